using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using S3lo.Core.Storage;

namespace S3lo.Providers.Gcs;

public static class GcsProviderRegistration
{
    /// <summary>Registers the <c>gs://</c> scheme (Google Cloud Storage).</summary>
    public static IServiceCollection AddGcsStoreProvider(this IServiceCollection services) =>
        services.AddSingleton<IObjectStoreProvider>(sp => new GcsStoreProvider(sp.GetService<ILoggerFactory>()));
}
