namespace S3lo.Providers.S3;

/// <summary>The server does not implement server-side copy: the caller streams the object instead.</summary>
internal sealed class CopyRefusedException(Exception inner) : Exception("server-side copy is not supported", inner);
