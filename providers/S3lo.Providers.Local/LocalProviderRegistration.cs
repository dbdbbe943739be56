using Microsoft.Extensions.DependencyInjection;
using S3lo.Core.Storage;

namespace S3lo.Providers.Local;

public static class LocalProviderRegistration
{
    public static IServiceCollection AddLocalStoreProvider(this IServiceCollection services) =>
        services.AddSingleton<IObjectStoreProvider, LocalStoreProvider>();
}
