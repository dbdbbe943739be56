namespace S3lo.EndToEnd.Tests;

/// <summary>No credentials at all: one readable line naming what to set, never a stack trace.</summary>
public sealed class CredentialErrorTests
{
    private static readonly string[] CredentialVariables =
    [
        "AZURE_STORAGE_CONNECTION_STRING", "AZURE_STORAGE_ACCOUNT", "STORAGE_EMULATOR_HOST", "GOOGLE_APPLICATION_CREDENTIALS",
        "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE", "AWS_SESSION_TOKEN",
    ];

    private static RunResult RunWithoutCredentials(params string[] args)
    {
        var home = Directory.CreateTempSubdirectory("s3lo-nohome-").FullName;
        try
        {
            var environment = CredentialVariables.ToDictionary(v => v, _ => (string?)null);
            // An empty home: no ~/.aws, no gcloud ADC file.
            environment["HOME"] = home;
            environment["CLOUDSDK_CONFIG"] = Path.Combine(home, "gcloud");
            environment["AWS_EC2_METADATA_DISABLED"] = "true";
            environment["NO_GCE_CHECK"] = "true";
            return S3loBinary.Run([.. args, "--timeout", "60s"], environment, null, TimeSpan.FromMinutes(2));
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    [Test]
    public void AzureWithoutCredentialsNamesTheVariables()
    {
        var r = RunWithoutCredentials("list", "az://images/");
        Assert.That(r.ExitCode, Is.EqualTo(1), r.ToString);
        Assert.That(r.StderrLines[0], Does.StartWith("error: ").And.Contain("AZURE_STORAGE_CONNECTION_STRING"));
        Assert.That(r.Stderr, Does.Not.Contain("   at "), "no stack trace");
    }

    [Test]
    public void GcsWithoutCredentialsIsOneLine()
    {
        var r = RunWithoutCredentials("list", "gs://images-bucket/");
        Assert.That(r.ExitCode, Is.EqualTo(1), r.ToString);
        Assert.That(r.StderrLines[0], Does.StartWith("error: "));
        Assert.That(r.Stderr, Does.Contain("GOOGLE_APPLICATION_CREDENTIALS").Or.Contain("gcloud auth application-default login"));
        Assert.That(r.Stderr, Does.Not.Contain("   at "), "no stack trace");
    }

    [Test]
    public void S3WithoutCredentialsIsOneLine()
    {
        var r = RunWithoutCredentials("list", "s3://images-bucket/", "--endpoint", S3Server.Endpoint);
        Assert.That(r.ExitCode, Is.EqualTo(1), r.ToString);
        Assert.That(r.StderrLines[0], Does.StartWith("error: ").And.Contain("no AWS credentials"));
        Assert.That(r.Stderr, Does.Contain("AWS_ACCESS_KEY_ID"), "the hint says what to set");
        Assert.That(r.Stderr, Does.Not.Contain("   at "), "no stack trace");
    }
}
