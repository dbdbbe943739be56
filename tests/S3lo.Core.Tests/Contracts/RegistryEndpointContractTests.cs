using S3lo.Core.Registry;
using S3lo.Core.Tests.Support;
using S3lo.Core.Transfer;
using S3lo.Tests.Shared.Contracts;

namespace S3lo.Core.Tests.Contracts;

/// <summary>The image endpoint contract on the real open test registry (eng/services.sh): a fresh repository per test.</summary>
public sealed class RegistryEndpointContractTests : ImageEndpointContract
{
    private string _repository = null!;

    [SetUp]
    public void NewRepository() => _repository = $"{RegistryTestEnvironment.OpenRegistry}/{RegistryTestEnvironment.UniquePrefix()}/app";

    private static RegistryClientOptions Options => new() { Logger = new RegistryTestLogger(), RetryBaseDelay = TimeSpan.FromMilliseconds(10) };

    protected override IImageDestination OpenDestination(string tag) => RegistryImageDestination.Open($"{_repository}:{tag}", Options);

    protected override IImageSource OpenSource(string tag) => RegistryImageSource.Open($"{_repository}:{tag}", Options);
}
