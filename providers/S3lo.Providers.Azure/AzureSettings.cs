namespace S3lo.Providers.Azure;

/// <summary>
/// Where the Azure provider gets its credentials: a connection string (emulators, shared keys, SAS),
/// which wins when set, or an account name used with <c>DefaultAzureCredential</c>.
/// </summary>
public sealed record AzureSettings(string? ConnectionString, string? Account)
{
    public const string ConnectionStringVariable = "AZURE_STORAGE_CONNECTION_STRING";
    public const string AccountVariable = "AZURE_STORAGE_ACCOUNT";

    /// <summary>Reads <c>AZURE_STORAGE_CONNECTION_STRING</c> and <c>AZURE_STORAGE_ACCOUNT</c>; blank counts as unset.</summary>
    public static AzureSettings FromEnvironment() =>
        new(Variable(ConnectionStringVariable), Variable(AccountVariable));

    private static string? Variable(string name) =>
        Environment.GetEnvironmentVariable(name) is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
}
