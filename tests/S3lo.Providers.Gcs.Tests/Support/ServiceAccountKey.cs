using System.Security.Cryptography;
using System.Text.Json;

namespace S3lo.Providers.Gcs.Tests.Support;

/// <summary>A service-account key file with a fresh RSA key, as `gcloud iam service-accounts keys create` writes.</summary>
public static class ServiceAccountKey
{
    public const string Email = "s3lo-test@s3lo-test-project.iam.gserviceaccount.com";
    public const string ProjectId = "s3lo-test-project";

    public static string Write(string directory)
    {
        using var rsa = RSA.Create(2048);
        var json = JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["type"] = "service_account",
            ["project_id"] = ProjectId,
            ["private_key_id"] = "0123456789abcdef",
            ["private_key"] = rsa.ExportPkcs8PrivateKeyPem() + "\n",
            ["client_email"] = Email,
            ["client_id"] = "100000000000000000001",
            // Never contacted: the storage client signs its own JWTs for service accounts.
            ["token_uri"] = "http://127.0.0.1:1/token",
        });
        var path = Path.Combine(directory, "service-account.json");
        File.WriteAllText(path, json);
        return path;
    }
}
