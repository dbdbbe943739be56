using Microsoft.Extensions.DependencyInjection;
using S3lo.Core.Registry;
using S3lo.Core.Signing;
using S3lo.Core.Storage;

namespace S3lo.Providers.S3;

public static class S3ProviderRegistration
{
    /// <summary>Registers the <c>s3://</c> scheme (AWS S3 and S3-compatible servers).</summary>
    public static IServiceCollection AddS3StoreProvider(this IServiceCollection services) =>
        services.AddSingleton<IObjectStoreProvider, S3StoreProvider>();

    /// <summary>Registers ECR logins for registry references (the AWS credential chain signs them).</summary>
    public static IServiceCollection AddEcrRegistryCredentials(this IServiceCollection services) =>
        services.AddSingleton<IRegistryCredentialProvider, EcrCredentialProvider>();

    /// <summary>Registers <c>awskms://</c> signing keys (the AWS credential chain signs the KMS calls).</summary>
    public static IServiceCollection AddAwsKmsKeys(this IServiceCollection services) =>
        services.AddSingleton<IKmsKeyScheme, AwsKmsKeyScheme>();
}
