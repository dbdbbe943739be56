namespace S3lo.Providers.Gcs;

/// <summary>Where the client talks to: Google Cloud Storage itself, or an emulator.</summary>
/// <param name="BaseUri">null for Google Cloud Storage; otherwise the server's root, e.g. <c>http://127.0.0.1:9023/</c>.</param>
/// <param name="Authenticated">false for an emulator: no credentials are looked up or sent.</param>
internal sealed record GcsEndpoint(Uri? BaseUri, bool Authenticated)
{
    public const string EmulatorVariable = "STORAGE_EMULATOR_HOST";

    public static readonly GcsEndpoint Google = new(null, true);

    /// <summary><c>STORAGE_EMULATOR_HOST</c> (a URL or host:port) selects an unauthenticated emulator.</summary>
    public static GcsEndpoint FromEnvironment()
    {
        var host = Environment.GetEnvironmentVariable(EmulatorVariable)?.Trim();
        if (string.IsNullOrEmpty(host)) return Google;
        if (!host.Contains("://", StringComparison.Ordinal)) host = "http://" + host;
        if (!Uri.TryCreate(host.TrimEnd('/') + "/", UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https"))
            throw new Core.Errors.UsageException($"{EmulatorVariable}='{host}' is not a URL or host:port", "e.g. STORAGE_EMULATOR_HOST=http://127.0.0.1:9023");
        return new GcsEndpoint(uri, false);
    }

    public string Display => BaseUri?.ToString().TrimEnd('/') ?? "https://storage.googleapis.com";
}
