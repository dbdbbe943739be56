namespace S3lo.Providers.Gcs; internal static class Placeholder {}
