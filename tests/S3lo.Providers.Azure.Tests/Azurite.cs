using Azure.Storage.Blobs;

namespace S3lo.Providers.Azure.Tests;

/// <summary>The Azurite the tests run against: <c>eng/services.sh start azure</c>, then <c>eval "$(eng/services.sh env)"</c>.</summary>
[SetUpFixture]
public sealed class Azurite
{
    public const string Variable = "S3LO_TEST_AZURE_CONNECTION_STRING";

    public static string ConnectionString { get; private set; } = null!;

    public static AzureSettings Settings => new(ConnectionString, null);

    [OneTimeSetUp]
    public async Task CheckReachable()
    {
        var connectionString = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(connectionString))
            Assert.Fail($"{Variable} is not set: run 'bash eng/services.sh start azure' and 'eval \"$(bash eng/services.sh env)\"'");
        ConnectionString = connectionString!;
        var options = AzureStoreProvider.CreateClientOptions(TimeSpan.FromSeconds(2));
        options.Retry.MaxRetries = 0;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await new BlobServiceClient(ConnectionString, options).GetPropertiesAsync(timeout.Token);
        }
        catch (Exception e)
        {
            Assert.Fail($"Azurite is not reachable with {Variable} ({e.GetType().Name}: {e.Message.Split('\n')[0]}): run 'bash eng/services.sh start azure'");
        }
    }

    public static BlobServiceClient Service() => new(ConnectionString, AzureStoreProvider.CreateClientOptions(null));

    public static string NewContainerName() => "t-" + Guid.NewGuid().ToString("N")[..24];
}
