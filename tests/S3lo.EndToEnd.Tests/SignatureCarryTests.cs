using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace S3lo.EndToEnd.Tests;

/// <summary>
/// Signatures made with <c>s3lo sign</c> travel with <c>copy</c> between buckets of every scheme (byte-exact,
/// still verifying), stay behind when the copy is another digest, are listed by <c>inspect</c>, and live
/// exactly as long as their tag under <c>clean</c>.
/// </summary>
public sealed class SignatureCarryTests
{
    private const string Password = "carry-test-password";

    [TestCase("s3")]
    [TestCase("gs")]
    [TestCase("az")]
    public void ASignatureFollowsTheImageIntoAnotherSchemeAndBackAndStillVerifies(string scheme)
    {
        using var keys = new Keys();
        using var store = SeedSigned(keys, "app:1", out var keyId);
        using var bucket = TestBucket.Create(scheme);
        using var back = new TempStore();

        var there = Run("copy", store.Ref("app:1"), bucket.Ref("app:1"));
        Assert.That(there.ExitCode, Is.EqualTo(0), there.ToString);
        Assert.That(there.StdoutLines, Has.Member("signatures: 1 copied"));
        var stored = bucket.Objects().Single(o => o.Key == $"manifests/app/1/signatures/{keyId}.json");
        Assert.That(stored.Sha256, Is.EqualTo(Sha256(SignatureFile(store, "app", "1", keyId))), "carried byte-exact");
        AssertVerifies(keys, bucket.Ref("app:1"));

        var home = Run("copy", bucket.Ref("app:1"), back.Ref("app:1"));
        Assert.That(home.ExitCode, Is.EqualTo(0), home.ToString);
        Assert.That(home.StdoutLines, Has.Member("signatures: 1 copied"));
        AssertVerifies(keys, back.Ref("app:1"));
    }

    [Test]
    public void OnePlatformOfASignedIndexIsAnotherDigestSoItsSignatureStaysBehind()
    {
        using var keys = new Keys();
        using var store = TempStore.CopyOf(Repo.FixtureStore);
        using var target = new TempStore();
        Assert.That(Run("sign", store.Ref("alpine:latest"), "--key", keys.Private).ExitCode, Is.EqualTo(0));
        var keyId = Path.GetFileNameWithoutExtension(Directory.GetFiles(Path.Combine(store.Root, "manifests", "alpine", "latest", "signatures")).Single());
        var indexDigest = Json(SignatureFile(store, "alpine", "latest", keyId))["digest"]!.GetValue<string>();

        var copy = Run("copy", "--platform", "linux/amd64", store.Ref("alpine:latest"), target.Ref("alpine:amd64"));
        Assert.That(copy.ExitCode, Is.EqualTo(0), copy.ToString);
        var copied = copy.StdoutLines.Single(l => l.StartsWith("digest: ", StringComparison.Ordinal))["digest: ".Length..];
        Assert.That(copied, Is.Not.EqualTo(indexDigest));
        Assert.That(copy.StderrLines, Has.Member(
            $"signature {keyId} of {store.Ref("alpine:latest")} not copied: it covers {indexDigest}, the copy is {copied}"));
        Assert.That(copy.StdoutLines, Has.None.StartWith("signatures:"));
        Assert.That(Directory.Exists(Path.Combine(target.Root, "manifests", "alpine", "amd64", "signatures")), Is.False);

        var verify = Run("verify", target.Ref("alpine:amd64"), "--key", keys.Public);
        Assert.That(verify.ExitCode, Is.EqualTo(1), verify.ToString);
    }

    [Test]
    public void AnArchiveCannotHoldSignaturesAndTheCopySaysSo()
    {
        using var keys = new Keys();
        using var store = SeedSigned(keys, "app:1", out _);
        var archive = Path.Combine(store.Parent, "app.tar");

        var copy = Run("copy", store.Ref("app:1"), "oci-archive:" + archive);
        Assert.That(copy.ExitCode, Is.EqualTo(0), copy.ToString);
        Assert.That(copy.StderrLines, Has.Member($"1 signature of {store.Ref("app:1")} not copied: oci-archive:{archive} does not keep s3lo signatures"));
    }

    [Test]
    public void InspectListsEachSignatureAndSaysWhenTheTagMovedPastIt()
    {
        using var keys = new Keys();
        using var store = SeedSigned(keys, "app:1", out var keyId);
        var signedDigest = Json(SignatureFile(store, "app", "1", keyId))["digest"]!.GetValue<string>();

        var text = Run("inspect", store.Ref("app:1"));
        Assert.That(text.ExitCode, Is.EqualTo(0), text.ToString);
        Assert.That(text.StdoutLines[^2..], Is.EqualTo(new[]
        {
            "signatures (not verified here: 's3lo verify REF --key K' checks one)",
            $"  {keyId}  signed {SignedAt(store, "app", "1", keyId)} with {keys.Private}",
        }));

        // The tag moves to another image: the signature is still there, for the old digest.
        var layout = Path.Combine(store.Parent, "layout");
        OciLayoutImages.Write(layout, "other", 7, 8);
        Assert.That(Run("copy", $"oci:{layout}:other", store.Ref("app:1")).ExitCode, Is.EqualTo(0));
        var moved = Run("inspect", store.Ref("app:1"), "--output", "json");
        Assert.That(moved.ExitCode, Is.EqualTo(0), moved.ToString);
        var signature = JsonDocument.Parse(moved.Stdout).RootElement.GetProperty("signatures").EnumerateArray().Single();
        Assert.That(signature.GetProperty("keyId").GetString(), Is.EqualTo(keyId));
        Assert.That(signature.GetProperty("covers").GetString(), Is.EqualTo("other-digest"));
        Assert.That(signature.GetProperty("signedDigest").GetString(), Is.EqualTo(signedDigest));
        var movedText = Run("inspect", store.Ref("app:1"));
        Assert.That(movedText.StdoutLines[^1], Does.EndWith($"covers {signedDigest}: the tag moved since"));
    }

    [Test]
    public void CleanKeepsTheSignatureOfATagItKeepsAndRemovesTheOneOfATagItPrunes()
    {
        using var keys = new Keys();
        using var store = new TempStore();
        var layout = Path.Combine(store.Parent, "layout");
        foreach (var (tag, seed) in new[] { ("v1", 21), ("v2", 22) })
        {
            OciLayoutImages.Write(layout, tag, 1, seed);
            Assert.That(Run("copy", $"oci:{layout}:{tag}", store.Ref("app:" + tag)).ExitCode, Is.EqualTo(0));
            Assert.That(Run("sign", store.Ref("app:" + tag), "--key", keys.Private).ExitCode, Is.EqualTo(0));
        }
        MovePushBack(store, "app", "v1", TimeSpan.FromDays(2));
        Assert.That(Run("config", "set", store.Ref("app"), "lifecycle.keep_last=1").ExitCode, Is.EqualTo(0));

        var clean = Run("clean", store.Url, "--confirm", "--grace", "0s");
        Assert.That(clean.ExitCode, Is.EqualTo(0), clean.ToString);
        Assert.That(clean.StdoutLines, Has.Member("deleted tag app:v1 (keep_last 1: 2nd newest)"));

        Assert.That(Directory.Exists(Path.Combine(store.Root, "manifests", "app", "v1")), Is.False, "the pruned tag's signature went with it");
        AssertVerifies(keys, store.Ref("app:v2"));
        var doctor = Run("doctor", store.Url, "--deep");
        Assert.That(doctor.ExitCode, Is.EqualTo(0), doctor.ToString);
    }

    private static TempStore SeedSigned(Keys keys, string imageTag, out string keyId)
    {
        var store = new TempStore();
        var layout = Path.Combine(store.Parent, "layout");
        OciLayoutImages.Write(layout, "seed", 3, 4);
        var copy = Run("copy", $"oci:{layout}:seed", store.Ref(imageTag));
        Assert.That(copy.ExitCode, Is.EqualTo(0), copy.ToString);
        var sign = Run("sign", store.Ref(imageTag), "--key", keys.Private);
        Assert.That(sign.ExitCode, Is.EqualTo(0), sign.ToString);
        var (image, tag) = (imageTag.Split(':')[0], imageTag.Split(':')[1]);
        keyId = Path.GetFileNameWithoutExtension(Directory.GetFiles(Path.Combine(store.Root, "manifests", image, tag, "signatures")).Single());
        return store;
    }

    private static void AssertVerifies(Keys keys, string reference)
    {
        var verify = Run("verify", reference, "--key", keys.Public);
        Assert.That(verify.ExitCode, Is.EqualTo(0), verify.ToString);
        Assert.That(verify.StdoutLines.Single(), Does.StartWith("Verified OK: " + reference + " sha256:"));
    }

    private static RunResult Run(params string[] args)
    {
        var environment = TestBucket.Environment();
        environment["COSIGN_PASSWORD"] = Password;
        var needsEndpoint = args.Any(a => a.StartsWith("s3://", StringComparison.Ordinal));
        return S3loBinary.Run(needsEndpoint ? [.. args, "--endpoint", S3Server.Endpoint] : args, environment, null);
    }

    private static byte[] SignatureFile(TempStore store, string image, string tag, string keyId) =>
        File.ReadAllBytes(Path.Combine(store.Root, "manifests", image, tag, "signatures", keyId + ".json"));

    private static JsonNode Json(byte[] bytes) => JsonNode.Parse(bytes)!;

    private static string SignedAt(TempStore store, string image, string tag, string keyId) =>
        Json(SignatureFile(store, image, tag, keyId))["signedAt"]!.GetValue<DateTimeOffset>().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static void MovePushBack(TempStore store, string image, string tag, TimeSpan by)
    {
        var path = Path.Combine(store.Root, "manifests", image, tag, "history.json");
        var history = JsonNode.Parse(File.ReadAllText(path))!.AsArray();
        history[0]!["pushed_at"] = DateTimeOffset.UtcNow.Subtract(by).ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ");
        File.WriteAllText(path, history.ToJsonString());
    }

    /// <summary>A key pair made by <c>s3lo keygen</c> in a temp directory; the private key's absolute path is its keyRef.</summary>
    private sealed class Keys : IDisposable
    {
        private readonly string _directory = Directory.CreateTempSubdirectory("s3lo-e2e-keys-").FullName;

        public Keys()
        {
            var keygen = Run("keygen", Path.Combine(_directory, "carry"));
            Assert.That(keygen.ExitCode, Is.EqualTo(0), keygen.ToString);
        }

        public string Private => Path.Combine(_directory, "carry.key");
        public string Public => Path.Combine(_directory, "carry.pub");

        public void Dispose() => Directory.Delete(_directory, recursive: true);
    }
}
