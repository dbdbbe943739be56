namespace S3lo.Core.Tests.Support;

/// <summary>
/// The real registries of eng/services.sh: an open one and one with htpasswd basic auth. Tests
/// using them fail (not skip) with instructions when the variables are missing.
/// </summary>
internal static class RegistryTestEnvironment
{
    private const string HowTo = "start them with: bash eng/services.sh start registry && eval \"$(bash eng/services.sh env)\"";

    public static string OpenRegistry => Require("S3LO_TEST_REGISTRY");
    public static string AuthRegistry => Require("S3LO_TEST_REGISTRY_AUTH");
    public static string User => Require("S3LO_TEST_REGISTRY_USER");
    public static string Password => Require("S3LO_TEST_REGISTRY_PASSWORD");

    private static string Require(string name)
    {
        var value = Environment.GetEnvironmentVariable(name);
        if (string.IsNullOrWhiteSpace(value)) Assert.Fail($"{name} is not set: the registry tests need the test registries; {HowTo}");
        return value!;
    }

    /// <summary>A repository prefix no other run (or engineer) uses on the shared registries.</summary>
    public static string UniquePrefix() => "s3lo-tests/" + Guid.NewGuid().ToString("N")[..10];
}
