using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace S3lo.EndToEnd.Tests;

/// <summary>
/// keygen, sign and verify through the published binary: the key files and their protection, the exact lines,
/// and verify's exit codes (0 valid; 1 missing, invalid or moved; 2 could not check). Every run has no terminal
/// (stdin is an empty pipe), as in CI.
/// </summary>
public sealed class SigningCommandTests
{
    private const string Password = "correct horse";

    [Test]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void KeygenWritesAPasswordProtectedPairWithItsModes()
    {
        using var dir = new TempDir("keygen");
        var r = Run(dir.Path, Password, "keygen");
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString);
        Assert.That(r.StdoutLines, Is.EqualTo(new[] { "Private key written to cosign.key", "Public key written to cosign.pub" }));
        var key = dir.File("cosign.key");
        var pub = dir.File("cosign.pub");
        Assert.That(File.GetUnixFileMode(key), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        Assert.That(File.GetUnixFileMode(pub), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead));
        Assert.That(File.ReadAllText(key), Does.StartWith("-----BEGIN ENCRYPTED PRIVATE KEY-----\n"));
        Assert.That(File.ReadAllText(pub), Does.StartWith("-----BEGIN PUBLIC KEY-----\n"));

        // The password protects the key: .NET opens it with the password only, and it pairs with the .pub.
        using var opened = ECDsa.Create();
        Assert.Throws<CryptographicException>(() => opened.ImportFromEncryptedPem(File.ReadAllText(key), "wrong"));
        Assert.Throws<CryptographicException>(() => opened.ImportFromEncryptedPem(File.ReadAllText(key), ""));
        opened.ImportFromEncryptedPem(File.ReadAllText(key), Password);
        using var publicKey = ECDsa.Create();
        publicKey.ImportFromPem(File.ReadAllText(pub));
        Assert.That(opened.ExportSubjectPublicKeyInfo(), Is.EqualTo(publicKey.ExportSubjectPublicKeyInfo()));
        Assert.That(publicKey.KeySize, Is.EqualTo(256));
        // And so does openssl, when it is there.
        if (File.Exists("/usr/bin/openssl"))
        {
            Assert.That(Processes.Run("/usr/bin/openssl", ["pkey", "-in", key, "-passin", "pass:" + Password, "-noout"]).ExitCode, Is.EqualTo(0));
            Assert.That(Processes.Run("/usr/bin/openssl", ["pkey", "-in", key, "-passin", "pass:wrong", "-noout"]).ExitCode, Is.Not.EqualTo(0));
        }

        var before = File.ReadAllBytes(key);
        var again = Run(dir.Path, Password, "keygen");
        Assert.That(again.ExitCode, Is.EqualTo(1), again.ToString);
        Assert.That(again.StderrLines[0], Is.EqualTo("error: cosign.key and cosign.pub already exist"));
        Assert.That(File.ReadAllBytes(key), Is.EqualTo(before));
        var forced = Run(dir.Path, Password, "keygen", "--force");
        Assert.That(forced.ExitCode, Is.EqualTo(0), forced.ToString);
        Assert.That(File.ReadAllBytes(key), Is.Not.EqualTo(before));

        var named = Run(dir.Path, "", "keygen", "release");
        Assert.That(named.StdoutLines, Is.EqualTo(new[] { "Private key written to release.key", "Public key written to release.pub" }));
        Assert.That(Directory.GetFiles(dir.Path, "*.s3lo-tmp"), Is.Empty);
    }

    [Test]
    public void WithoutTerminalOrCosignPasswordKeygenAndSignExit2WithTheHint()
    {
        using var dir = new TempDir("keygen");
        var r = Run(dir.Path, null, "keygen");
        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString);
        Assert.That(r.StderrLines, Is.EqualTo(new[]
        {
            "error: keygen needs a password for the private key, and there is no terminal to ask on",
            "hint: set COSIGN_PASSWORD (an empty value means no password)",
        }));
        Assert.That(Directory.GetFiles(dir.Path), Is.Empty);

        using var store = StoreWithImage(out _);
        Assert.That(Run(dir.Path, Password, "keygen").ExitCode, Is.EqualTo(0));
        var sign = Run(dir.Path, null, "sign", store.Ref("app:1.0"), "--key", "cosign.key");
        Assert.That(sign.ExitCode, Is.EqualTo(2), sign.ToString);
        Assert.That(sign.StderrLines[0], Is.EqualTo("error: key file cosign.key is encrypted and needs its password, and there is no terminal to ask on"));
        Assert.That(sign.StderrLines[1], Does.Contain("COSIGN_PASSWORD"));
        Assert.That(SignatureFiles(store), Is.Empty);
    }

    [Test]
    public void SignThenVerifyPrintTheExactLinesAndTheFileIsV1s()
    {
        using var dir = new TempDir("sign");
        using var store = StoreWithImage(out var digest);
        Assert.That(Run(dir.Path, Password, "keygen").ExitCode, Is.EqualTo(0));
        var keyId = KeyIdOf(dir.File("cosign.pub"));
        var reference = store.Ref("app:1.0");

        var sign = Run(dir.Path, Password, "sign", reference, "--key", "cosign.key");
        Assert.That(sign.ExitCode, Is.EqualTo(0), sign.ToString);
        Assert.That(sign.StdoutLines, Is.EqualTo(new[] { $"Signed {reference} ({digest}) with key {keyId}" }));

        var file = Path.Combine(store.Root, "manifests", "app", "1.0", "signatures", keyId + ".json");
        Assert.That(SignatureFiles(store), Is.EqualTo(new[] { file }));
        using var json = JsonDocument.Parse(File.ReadAllBytes(file));
        var root = json.RootElement;
        Assert.That(root.GetProperty("schemaVersion").GetInt32(), Is.EqualTo(1));
        Assert.That(root.GetProperty("digest").GetString(), Is.EqualTo(digest));
        Assert.That(root.GetProperty("keyRef").GetString(), Is.EqualTo("cosign.key"));
        Assert.That(root.GetProperty("keyID").GetString(), Is.EqualTo(keyId));
        Assert.That(root.GetProperty("algorithm").GetString(), Is.EqualTo("ECDSA_SHA_256"));
        Assert.That(Encoding.ASCII.GetString(Convert.FromBase64String(root.GetProperty("payload").GetString()!)), Is.EqualTo(digest + "\n"));
        var signedAt = root.GetProperty("signedAt").GetString()!;
        Assert.That(signedAt, Does.Match(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$"));
        // The signature checks out with no s3lo code: DER ECDSA P-256 over the payload bytes.
        using (var pub = ECDsa.Create())
        {
            pub.ImportFromPem(File.ReadAllText(dir.File("cosign.pub")));
            Assert.That(pub.VerifyData(Encoding.ASCII.GetBytes(digest + "\n"), Convert.FromBase64String(root.GetProperty("signature").GetString()!),
                HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence), Is.True);
        }

        var verify = Run(dir.Path, null, "verify", reference, "--key", "cosign.pub");
        Assert.That(verify.ExitCode, Is.EqualTo(0), verify.ToString);
        Assert.That(verify.StdoutLines, Is.EqualTo(new[] { $"Verified OK: {reference} {digest} signed by key {keyId} at {signedAt}" }));
        Assert.That(verify.Stderr, Is.Empty);

        // The private key verifies too when its password is at hand; without it, the hint names the .pub.
        Assert.That(Run(dir.Path, Password, "verify", reference, "--key", "cosign.key").ExitCode, Is.EqualTo(0));
        var noPassword = Run(dir.Path, null, "verify", reference, "--key", "cosign.key");
        Assert.That(noPassword.ExitCode, Is.EqualTo(2), noPassword.ToString);
        Assert.That(noPassword.StderrLines[0], Is.EqualTo("error: key file cosign.key is an encrypted private key: verify needs its public key"));

        var asJson = Run(dir.Path, null, "verify", reference, "--key", "cosign.pub", "--output", "json");
        Assert.That(asJson.ExitCode, Is.EqualTo(0), asJson.ToString);
        using var result = JsonDocument.Parse(asJson.Stdout);
        Assert.That(result.RootElement.GetProperty("verified").GetBoolean(), Is.True);
        Assert.That(result.RootElement.GetProperty("result").GetString(), Is.EqualTo("valid"));
        Assert.That(result.RootElement.GetProperty("digest").GetString(), Is.EqualTo(digest));
        Assert.That(result.RootElement.GetProperty("keyId").GetString(), Is.EqualTo(keyId));
    }

    [Test]
    public void ARepushedTagFailsNamingBothDigests()
    {
        using var dir = new TempDir("moved");
        using var store = StoreWithImage(out var signed);
        Assert.That(Run(dir.Path, Password, "keygen").ExitCode, Is.EqualTo(0));
        var keyId = KeyIdOf(dir.File("cosign.pub"));
        var reference = store.Ref("app:1.0");
        Assert.That(Run(dir.Path, Password, "sign", reference, "--key", "cosign.key").ExitCode, Is.EqualTo(0));

        // Another image copied over the same tag.
        var layout = Path.Combine(store.Parent, "layout");
        var current = OciLayoutImages.Write(layout, "2", 7, 8);
        Assert.That(S3loBinary.Run("copy", $"oci:{layout}:2", reference).ExitCode, Is.EqualTo(0));

        var verify = Run(dir.Path, null, "verify", reference, "--key", "cosign.pub");
        Assert.That(verify.ExitCode, Is.EqualTo(1), verify.ToString);
        Assert.That(verify.Stdout, Is.Empty);
        Assert.That(verify.StderrLines[0], Is.EqualTo($"error: {reference} now points at {current}, but the signature by key {keyId} covers {signed}"));

        var json = Run(dir.Path, null, "verify", reference, "--key", "cosign.pub", "-o", "json");
        Assert.That(json.ExitCode, Is.EqualTo(1));
        using var doc = JsonDocument.Parse(json.Stdout);
        Assert.That(doc.RootElement.GetProperty("result").GetString(), Is.EqualTo("moved"));
        Assert.That(doc.RootElement.GetProperty("signedDigest").GetString(), Is.EqualTo(signed));
        Assert.That(doc.RootElement.GetProperty("digest").GetString(), Is.EqualTo(current));

        // Signing again covers the new image.
        Assert.That(Run(dir.Path, Password, "sign", reference, "--key", "cosign.key").ExitCode, Is.EqualTo(0));
        Assert.That(Run(dir.Path, null, "verify", reference, "--key", "cosign.pub").ExitCode, Is.EqualTo(0));
    }

    [Test]
    public void ATamperedSignatureOrAnotherKeyFails()
    {
        using var dir = new TempDir("tamper");
        using var store = StoreWithImage(out _);
        Assert.That(Run(dir.Path, Password, "keygen").ExitCode, Is.EqualTo(0));
        Assert.That(Run(dir.Path, Password, "keygen", "other").ExitCode, Is.EqualTo(0));
        var keyId = KeyIdOf(dir.File("cosign.pub"));
        var reference = store.Ref("app:1.0");
        Assert.That(Run(dir.Path, Password, "sign", reference, "--key", "cosign.key").ExitCode, Is.EqualTo(0));

        var wrongKey = Run(dir.Path, null, "verify", reference, "--key", "other.pub");
        Assert.That(wrongKey.ExitCode, Is.EqualTo(1), wrongKey.ToString);
        Assert.That(wrongKey.StderrLines[0], Is.EqualTo($"error: no signature by key {KeyIdOf(dir.File("other.pub"))} on {reference}"));

        // One bit of the stored signature flipped, the JSON otherwise intact.
        var file = SignatureFiles(store).Single();
        var text = File.ReadAllText(file);
        using (var json = JsonDocument.Parse(text))
        {
            var original = json.RootElement.GetProperty("signature").GetString()!;
            var bytes = Convert.FromBase64String(original);
            bytes[^3] ^= 0x01;
            File.WriteAllText(file, text.Replace(original, Convert.ToBase64String(bytes)));
        }
        var tampered = Run(dir.Path, null, "verify", reference, "--key", "cosign.pub");
        Assert.That(tampered.ExitCode, Is.EqualTo(1), tampered.ToString);
        Assert.That(tampered.StderrLines, Is.EqualTo(new[] { $"error: invalid signature by key {keyId} on {reference}: the signature does not verify with this key" }));

        File.WriteAllText(file, "{ not json");
        var malformed = Run(dir.Path, null, "verify", reference, "--key", "cosign.pub");
        Assert.That(malformed.ExitCode, Is.EqualTo(1), malformed.ToString);
        Assert.That(malformed.StderrLines[0], Does.StartWith($"error: invalid signature by key {keyId} on {reference}: malformed signature file"));
    }

    [Test]
    public void AWrongPasswordExits2WithOneLineAndWritesNothing()
    {
        using var dir = new TempDir("password");
        using var store = StoreWithImage(out _);
        Assert.That(Run(dir.Path, Password, "keygen").ExitCode, Is.EqualTo(0));
        var r = Run(dir.Path, "not it", "sign", store.Ref("app:1.0"), "--key", "cosign.key");
        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString);
        Assert.That(r.StderrLines[0], Is.EqualTo("error: cannot open key file cosign.key: wrong password (or the file is damaged)"));
        Assert.That(r.StderrLines.Count(l => l.StartsWith("error:")), Is.EqualTo(1));
        Assert.That(r.Stdout, Is.Empty);
        Assert.That(SignatureFiles(store), Is.Empty);
    }

    [Test]
    public void WhatCannotBeCheckedExits2AndAMissingTagExits1()
    {
        using var dir = new TempDir("unreachable");
        using var store = StoreWithImage(out _);
        Assert.That(Run(dir.Path, Password, "keygen").ExitCode, Is.EqualTo(0));

        var noStore = Run(dir.Path, null, "verify", $"local://{store.Parent}/nowhere/app:1.0", "--key", "cosign.pub");
        Assert.That(noStore.ExitCode, Is.EqualTo(2), noStore.ToString);
        Assert.That(noStore.StderrLines[0], Does.StartWith("error: no s3lo store found in"));

        // Nothing listens on this port: the store cannot be read, so nothing was checked.
        var port = ClosedPort();
        var unreachable = Run(dir.Path, null, ["verify", "s3://bucket/app:1.0", "--key", "cosign.pub", "--endpoint", $"http://127.0.0.1:{port}", "--timeout", "60s"],
            new Dictionary<string, string?> { ["AWS_ACCESS_KEY_ID"] = "test", ["AWS_SECRET_ACCESS_KEY"] = "test", ["AWS_REGION"] = "us-east-1" });
        Assert.That(unreachable.ExitCode, Is.EqualTo(2), unreachable.ToString);
        Assert.That(unreachable.StderrLines[0], Does.StartWith("error: "));

        var digestRef = Run(dir.Path, null, "verify", store.Ref("app@sha256:" + new string('a', 64)), "--key", "cosign.pub");
        Assert.That(digestRef.ExitCode, Is.EqualTo(2), digestRef.ToString);
        Assert.That(digestRef.StderrLines[0], Does.Contain("names a digest (signatures live beside a tag)"));

        var noTag = Run(dir.Path, null, "verify", store.Ref("app:2.0"), "--key", "cosign.pub");
        Assert.That(noTag.ExitCode, Is.EqualTo(1), noTag.ToString);
        Assert.That(noTag.StderrLines[0], Is.EqualTo($"error: app:2.0 not found in local://{store.Root}"));
        var signMissing = Run(dir.Path, Password, "sign", store.Ref("app:2.0"), "--key", "cosign.key");
        Assert.That(signMissing.ExitCode, Is.EqualTo(1), signMissing.ToString);

        var unknownScheme = Run(dir.Path, null, "verify", store.Ref("app:1.0"), "--key", "hashivault://transit/keys/k");
        Assert.That(unknownScheme.ExitCode, Is.EqualTo(2), unknownScheme.ToString);
        Assert.That(unknownScheme.StderrLines[0], Is.EqualTo("error: --key hashivault://transit/keys/k: 'hashivault' is not a key service s3lo knows"));
    }

    [Test]
    public void SignAndVerifyOnCeph()
    {
        using var dir = new TempDir("ceph");
        using var bucket = S3Server.CreateBucket();
        var layout = Path.Combine(dir.Path, "layout");
        var first = OciLayoutImages.Write(layout, "1", 1, 2);
        var second = OciLayoutImages.Write(layout, "2", 3);
        var reference = bucket.Ref("team/app:1.0");
        Assert.That(S3loBinary.Run("copy", $"oci:{layout}:1", reference, "--endpoint", S3Server.Endpoint).ExitCode, Is.EqualTo(0));
        Assert.That(Run(dir.Path, Password, "keygen").ExitCode, Is.EqualTo(0));
        var keyId = KeyIdOf(dir.File("cosign.pub"));

        var sign = Run(dir.Path, Password, "sign", reference, "--key", "cosign.key", "--endpoint", S3Server.Endpoint);
        Assert.That(sign.StdoutLines, Is.EqualTo(new[] { $"Signed {reference} ({first}) with key {keyId}" }), sign.ToString);
        Assert.That(bucket.Objects().Select(o => o.Key), Does.Contain($"manifests/team/app/1.0/signatures/{keyId}.json"));

        var verify = Run(dir.Path, null, "verify", reference, "--key", "cosign.pub", "--endpoint", S3Server.Endpoint);
        Assert.That(verify.ExitCode, Is.EqualTo(0), verify.ToString);
        Assert.That(verify.StdoutLines[0], Does.StartWith($"Verified OK: {reference} {first} signed by key {keyId} at "));

        Assert.That(S3loBinary.Run("copy", $"oci:{layout}:2", reference, "--endpoint", S3Server.Endpoint).ExitCode, Is.EqualTo(0));
        var moved = Run(dir.Path, null, "verify", reference, "--key", "cosign.pub", "--endpoint", S3Server.Endpoint);
        Assert.That(moved.ExitCode, Is.EqualTo(1), moved.ToString);
        Assert.That(moved.StderrLines[0], Is.EqualTo($"error: {reference} now points at {second}, but the signature by key {keyId} covers {first}"));

        // A bucket that is not there: nothing could be checked (2), unlike a tag that is not there (1).
        var noBucket = Run(dir.Path, null, "verify", $"s3://s3lo-e2e-absent-{Guid.NewGuid():N}"[..40] + "/app:1.0", "--key", "cosign.pub", "--endpoint", S3Server.Endpoint);
        Assert.That(noBucket.ExitCode, Is.EqualTo(2), noBucket.ToString);
        Assert.That(noBucket.StderrLines[0], Does.StartWith("error: bucket s3://s3lo-e2e-absent-"));
        var noTag = Run(dir.Path, null, "verify", bucket.Ref("team/app:2.0"), "--key", "cosign.pub", "--endpoint", S3Server.Endpoint);
        Assert.That(noTag.ExitCode, Is.EqualTo(1), noTag.ToString);
    }

    /// <summary>A store with app:1.0, copied from an OCI layout (no Docker); <paramref name="digest"/> is its manifest digest.</summary>
    private static TempStore StoreWithImage(out string digest)
    {
        var store = new TempStore();
        var layout = Path.Combine(store.Parent, "layout");
        digest = OciLayoutImages.Write(layout, "1", 1, 2);
        var copy = S3loBinary.Run("copy", $"oci:{layout}:1", store.Ref("app:1.0"));
        Assert.That(copy.ExitCode, Is.EqualTo(0), copy.ToString);
        return store;
    }

    private static string[] SignatureFiles(TempStore store)
    {
        var manifests = Path.Combine(store.Root, "manifests");
        return [.. Directory.GetFiles(manifests, "*.json", SearchOption.AllDirectories).Where(f => f.Contains($"{Path.DirectorySeparatorChar}signatures{Path.DirectorySeparatorChar}"))];
    }

    /// <summary>The key ID as the format defines it, computed here: SHA-256 of the SubjectPublicKeyInfo DER, first 16 hex.</summary>
    private static string KeyIdOf(string publicKeyFile)
    {
        using var key = ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(publicKeyFile));
        return Convert.ToHexStringLower(SHA256.HashData(key.ExportSubjectPublicKeyInfo()))[..16];
    }

    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static RunResult Run(string workingDirectory, string? password, params string[] args) =>
        Run(workingDirectory, password, args, null);

    /// <summary>The binary with COSIGN_PASSWORD set (null: unset) and stdin an empty pipe, so never a terminal.</summary>
    private static RunResult Run(string workingDirectory, string? password, string[] args, Dictionary<string, string?>? extra)
    {
        var environment = new Dictionary<string, string?> { ["COSIGN_PASSWORD"] = password };
        foreach (var (k, v) in extra ?? []) environment[k] = v;
        var result = Processes.Run(S3loBinary.Path, args, environment, workingDirectory, TimeSpan.FromMinutes(3), new MemoryStream());
        StderrLog.Append(args, result.Stderr);
        return result;
    }
}
