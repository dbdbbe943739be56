using System.Text;
using S3lo.Core.Errors;

namespace S3lo.Core.Registry;

/// <summary>
/// Credentials from the docker CLI's config (<c>$DOCKER_CONFIG/config.json</c>, else
/// <c>~/.docker/config.json</c>), looked up like docker does: a <c>credHelpers</c> entry for the
/// host, else the <c>credsStore</c>, both by running <c>docker-credential-NAME get</c>; else the
/// <c>auths</c> entry (base64 <c>auth</c>, <c>username</c>/<c>password</c>, <c>identitytoken</c>,
/// <c>registrytoken</c>). Docker Hub is keyed <c>https://index.docker.io/v1/</c>.
/// </summary>
public sealed class DockerConfigCredentialProvider : IRegistryCredentialProvider
{
    public const string DockerHubServerUrl = "https://index.docker.io/v1/";
    private const int MaxConfigBytes = 4 * 1024 * 1024;
    private readonly Func<string, string?> _environment;
    private readonly TimeSpan _helperTimeout;

    /// <param name="configDirectory">The directory holding config.json; default <c>DOCKER_CONFIG</c>, else <c>~/.docker</c>.</param>
    /// <param name="environment">Environment lookup (DOCKER_CONFIG, PATH, PATHEXT); default the process environment.</param>
    /// <param name="helperTimeout">How long a credential helper may run; default 60 s.</param>
    public DockerConfigCredentialProvider(string? configDirectory = null, Func<string, string?>? environment = null, TimeSpan? helperTimeout = null)
    {
        _environment = environment ?? Environment.GetEnvironmentVariable;
        _helperTimeout = helperTimeout ?? TimeSpan.FromSeconds(60);
        var directory = configDirectory ?? _environment("DOCKER_CONFIG");
        if (string.IsNullOrEmpty(directory))
            directory = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".docker");
        ConfigPath = Path.Combine(directory, "config.json");
    }

    public string ConfigPath { get; }

    public async Task<RegistryCredential?> GetAsync(string registryHost, CancellationToken ct)
    {
        var config = await LoadAsync(ct).ConfigureAwait(false);
        if (config is null) return null;
        var isHub = IsDockerHubHost(NormalizeKey(registryHost));
        var serverUrl = isHub ? DockerHubServerUrl : registryHost;

        string? helper = null, source = null;
        if (Find(config.CredHelpers, registryHost, isHub) is { Length: > 0 } perHost)
        {
            helper = perHost;
            source = "credHelpers";
        }
        else if (!string.IsNullOrEmpty(config.CredsStore))
        {
            helper = config.CredsStore;
            source = "credsStore";
        }
        if (helper is not null)
        {
            var fromHelper = await CredentialHelper.GetAsync(helper, serverUrl, $"{source} in {ConfigPath}", _environment, _helperTimeout, ct).ConfigureAwait(false);
            if (fromHelper is not null) return fromHelper;
        }
        return FromEntry(Find(config.Auths, registryHost, isHub), registryHost);
    }

    private async Task<DockerConfigFile?> LoadAsync(CancellationToken ct)
    {
        byte[] bytes;
        try
        {
            var info = new FileInfo(ConfigPath);
            if (!info.Exists) return null;
            if (info.Length > MaxConfigBytes)
                throw new S3loException($"{ConfigPath} is {info.Length} bytes, over the {MaxConfigBytes}-byte limit");
            bytes = await File.ReadAllBytesAsync(ConfigPath, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new S3loException($"cannot read {ConfigPath}: {e.Message}", inner: e);
        }
        if (bytes.Length == 0) return null;
        return RegistryJson.ParseDockerConfig(bytes, ConfigPath);
    }

    /// <summary>Exact key first (the hub's URL for Docker Hub), then keys that name the same host (scheme and path ignored).</summary>
    private static T? Find<T>(Dictionary<string, T?>? entries, string registryHost, bool isHub) where T : class
    {
        if (entries is null || entries.Count == 0) return null;
        if (entries.TryGetValue(isHub ? DockerHubServerUrl : registryHost, out var exact) && exact is not null) return exact;
        var wanted = NormalizeKey(registryHost);
        foreach (var (key, value) in entries.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            if (value is null) continue;
            var normalized = NormalizeKey(key);
            if (isHub ? IsDockerHubHost(normalized) : normalized == wanted) return value;
        }
        return null;
    }

    private RegistryCredential? FromEntry(DockerAuthEntry? entry, string registryHost)
    {
        if (entry is null) return null;
        string? username = entry.Username, password = entry.Password;
        if (!string.IsNullOrEmpty(entry.Auth))
        {
            string decoded;
            try
            {
                decoded = Encoding.UTF8.GetString(Convert.FromBase64String(entry.Auth.Trim()));
            }
            catch (FormatException)
            {
                throw new S3loException($"the auth entry for {registryHost} in {ConfigPath} is not valid base64",
                    "log in again with 'docker login', or fix the \"auth\" value (base64 of USER:PASSWORD)");
            }
            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
                throw new S3loException($"the auth entry for {registryHost} in {ConfigPath} does not decode to USER:PASSWORD",
                    "log in again with 'docker login'");
            username = decoded[..colon];
            password = decoded[(colon + 1)..];
        }
        var credential = new RegistryCredential(username, password, entry.IdentityToken, entry.RegistryToken);
        return credential.HasUserPassword || credential.IdentityToken is not null || credential.RegistryToken is not null ? credential : null;
    }

    /// <summary><c>https://host:port/v1/</c> → <c>host:port</c>, lower case (docker's ConvertToHostname).</summary>
    internal static string NormalizeKey(string key)
    {
        var k = key.Trim();
        if (k.StartsWith("https://", StringComparison.OrdinalIgnoreCase)) k = k[8..];
        else if (k.StartsWith("http://", StringComparison.OrdinalIgnoreCase)) k = k[7..];
        var slash = k.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0) k = k[..slash];
        return k.ToLowerInvariant();
    }

    private static bool IsDockerHubHost(string normalized) =>
        normalized is RegistryReference.DockerHub or "index.docker.io" or RegistryReference.DockerHubApiHost;
}
