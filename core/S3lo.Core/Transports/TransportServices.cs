using Microsoft.Extensions.DependencyInjection;
using S3lo.Core.Archives;
using S3lo.Core.Config;
using S3lo.Core.References;
using S3lo.Core.Registry;

namespace S3lo.Core.Transports;

public static class TransportServices
{
    /// <summary>
    /// The transport registry with core's transports: a bucket transport per registered storage provider,
    /// registries, <c>oci:</c> and <c>oci-archive:</c>. Other assemblies add theirs as <see cref="IImageTransport"/>;
    /// hints list them in registration order.
    /// </summary>
    public static IServiceCollection AddImageTransports(this IServiceCollection services) =>
        services
            .AddSingleton<BucketReferences>()
            // Immutable tags: the built-in rules until s3lo.yaml is read here (the one line to swap).
            .AddSingleton<IImageRulesSource, BucketConfigRules>()
            .AddSingleton<RegistryTransport>()
            .AddSingleton<IImageTransport, OciLayoutTransport>()
            .AddSingleton<IImageTransport, OciArchiveTransport>()
            .AddSingleton<TransportRegistry>();
}
