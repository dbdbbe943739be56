using Microsoft.Extensions.DependencyInjection;
using S3lo.Core.Storage;

namespace S3lo.Providers.Azure;

public static class AzureProviderRegistration
{
    /// <summary>Registers the <c>az://</c> scheme; credentials come from the environment when a store is opened.</summary>
    public static IServiceCollection AddAzureStoreProvider(this IServiceCollection services) =>
        services.AddSingleton<IObjectStoreProvider>(_ => new AzureStoreProvider());
}
