using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace S3lo.Serve;

/// <summary>
/// HTTP basic auth against an <see cref="HtpasswdFile"/>. bcrypt is slow on purpose (tens of
/// milliseconds at docker's cost 10) and a client sends its password with every request, so a
/// verified password is remembered — as an HMAC under a key that lives only in this process, never
/// the password itself — and later requests compare HMACs in constant time.
/// </summary>
public sealed class BasicAuthentication(HtpasswdFile users)
{
    public const string Challenge = "Basic realm=\"s3lo\"";

    private readonly byte[] _cacheKey = RandomNumberGenerator.GetBytes(32);

    /// <summary>Per user, the HMAC of the last password bcrypt accepted.</summary>
    private readonly ConcurrentDictionary<string, byte[]> _verified = new(StringComparer.Ordinal);

    /// <summary>A hash htpasswd -B would write, verified for unknown users so that they take as long as known ones.</summary>
    private static readonly string Decoy = BCrypt.Net.BCrypt.HashPassword("s3lo-decoy", 5);

    /// <summary>The user name a request's <c>Authorization: Basic</c> proves; null when absent or wrong.</summary>
    public string? Authenticate(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase)) return null;
        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
        }
        catch (FormatException)
        {
            return null;
        }
        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0) return null;
        var user = decoded[..colon];
        var password = decoded[(colon + 1)..];
        return Verify(user, password) ? user : null;
    }

    private bool Verify(string user, string password)
    {
        var proof = HMACSHA256.HashData(_cacheKey, Encoding.UTF8.GetBytes(user + "\0" + password));
        if (_verified.TryGetValue(user, out var known) && CryptographicOperations.FixedTimeEquals(known, proof)) return true;
        var hash = users.HashOf(user);
        if (hash is null)
        {
            BCrypt.Net.BCrypt.Verify(password, Decoy);
            return false;
        }
        if (!BCrypt.Net.BCrypt.Verify(password, hash)) return false;
        _verified[user] = proof;
        return true;
    }
}
