using S3lo.Core.References;
using S3lo.Providers.Azure;
using S3lo.Providers.Gcs;
using S3lo.Providers.Local;
using S3lo.Providers.S3;

namespace S3lo.Core.Tests.References;

/// <summary>The reference parser over the real providers, in the host's order: their bucket rules are what is tested.</summary>
internal static class Schemes
{
    public static readonly BucketReferences References =
        new([new S3StoreProvider(), new GcsStoreProvider(), new AzureStoreProvider(), new LocalStoreProvider()]);
}
