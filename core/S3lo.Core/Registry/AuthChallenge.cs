using System.Text;
using S3lo.Core.Errors;

namespace S3lo.Core.Registry;

/// <summary>
/// One challenge of a <c>WWW-Authenticate</c> header (RFC 7235): a scheme and its auth-params,
/// e.g. <c>Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull"</c>.
/// The header comes from the network, so parsing is strict: anything outside the grammar is refused.
/// </summary>
public sealed class AuthChallenge
{
    public const int MaxHeaderLength = 8192;
    private const int MaxParameters = 32;

    private AuthChallenge(string scheme, IReadOnlyDictionary<string, string> parameters)
    {
        Scheme = scheme;
        Parameters = parameters;
    }

    /// <summary>The scheme as sent (compare with <see cref="IsBearer"/> / <see cref="IsBasic"/>, which ignore case).</summary>
    public string Scheme { get; }

    /// <summary>Parameter names are lower-cased; values are unquoted and unescaped.</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; }

    public bool IsBearer => Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase);
    public bool IsBasic => Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase);

    public string? Realm => Parameters.GetValueOrDefault("realm");
    public string? Service => Parameters.GetValueOrDefault("service");
    public string? Scope => Parameters.GetValueOrDefault("scope");

    public override string ToString() =>
        Scheme + (Parameters.Count == 0 ? "" : " " + string.Join(",", Parameters.Select(p => $"{p.Key}=\"{p.Value}\"")));

    /// <summary>Every challenge in one header value; throws <see cref="FormatException"/> on anything malformed.</summary>
    public static IReadOnlyList<AuthChallenge> ParseAll(string header)
    {
        ArgumentNullException.ThrowIfNull(header);
        if (header.Length > MaxHeaderLength) throw new FormatException($"WWW-Authenticate header longer than {MaxHeaderLength} characters");
        var parser = new Parser(header);
        var result = new List<AuthChallenge>();
        parser.SkipListSeparators();
        while (!parser.AtEnd)
        {
            result.Add(parser.ReadChallenge());
            parser.SkipListSeparators();
        }
        if (result.Count == 0) throw new FormatException("WWW-Authenticate header holds no challenge");
        return result;
    }

    /// <summary>Like <see cref="ParseAll"/>, returning false instead of throwing.</summary>
    public static bool TryParseAll(string header, out IReadOnlyList<AuthChallenge> challenges)
    {
        try
        {
            challenges = ParseAll(header);
            return true;
        }
        catch (FormatException)
        {
            challenges = [];
            return false;
        }
    }

    private ref struct Parser(string text)
    {
        private readonly string _text = text;
        private int _pos;

        public readonly bool AtEnd => _pos >= _text.Length;

        public void SkipListSeparators()
        {
            while (!AtEnd && (_text[_pos] is ',' or ' ' or '\t')) _pos++;
        }

        public AuthChallenge ReadChallenge()
        {
            var scheme = ReadToken() ?? throw Error("an auth scheme");
            var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
            if (!AtEnd && _text[_pos] is not (' ' or '\t' or ','))
                throw Error("a space or ',' after the scheme");
            SkipSpaces();
            while (!AtEnd && _text[_pos] != ',')
            {
                var start = _pos;
                var name = ReadToken() ?? throw Error("a parameter name");
                SkipSpaces();
                if (AtEnd || _text[_pos] != '=')
                {
                    // A bare token here is token68 (unsupported) or garbage: both refused.
                    _pos = start;
                    throw Error("'=' after a parameter name");
                }
                _pos++;
                SkipSpaces();
                var value = !AtEnd && _text[_pos] == '"' ? ReadQuoted() : ReadToken() ?? throw Error("a parameter value");
                var key = name.ToLowerInvariant();
                if (!parameters.TryAdd(key, value)) throw new FormatException($"parameter '{key}' appears twice in WWW-Authenticate");
                if (parameters.Count > MaxParameters) throw new FormatException("too many WWW-Authenticate parameters");
                SkipSpaces();
                if (AtEnd) break;
                if (_text[_pos] != ',') throw Error("',' between parameters");
                // After ',' comes either another parameter of this challenge or the next challenge's scheme.
                var afterComma = _pos;
                _pos++;
                SkipListSeparators();
                if (AtEnd) break;
                var lookahead = _pos;
                var next = ReadToken();
                SkipSpaces();
                var isParameter = next is not null && !AtEnd && _text[_pos] == '=';
                _pos = isParameter ? lookahead : afterComma;
                if (!isParameter) break;
            }
            return new AuthChallenge(scheme, parameters);
        }

        private void SkipSpaces()
        {
            while (!AtEnd && _text[_pos] is ' ' or '\t') _pos++;
        }

        private string? ReadToken()
        {
            var start = _pos;
            while (!AtEnd && IsTokenChar(_text[_pos])) _pos++;
            return _pos > start ? _text[start.._pos] : null;
        }

        private string ReadQuoted()
        {
            _pos++; // opening quote
            var sb = new StringBuilder();
            while (true)
            {
                if (AtEnd) throw new FormatException("unterminated quoted string in WWW-Authenticate");
                var c = _text[_pos++];
                if (c == '"') return sb.ToString();
                if (c == '\\')
                {
                    if (AtEnd) throw new FormatException("unterminated escape in WWW-Authenticate");
                    c = _text[_pos++];
                }
                if (char.IsControl(c) && c != '\t') throw new FormatException("control character in WWW-Authenticate");
                if (c > '\u00ff') throw new FormatException("non-Latin-1 character in WWW-Authenticate");
                sb.Append(c);
            }
        }

        // RFC 7230 tchar
        private static bool IsTokenChar(char c) =>
            char.IsAsciiLetterOrDigit(c) || c is '!' or '#' or '$' or '%' or '&' or '\'' or '*' or '+' or '-' or '.' or '^' or '_' or '`' or '|' or '~';

        private readonly FormatException Error(string expected) =>
            new($"malformed WWW-Authenticate header: expected {expected} at position {_pos}");
    }

    /// <summary>The error a registry's unusable challenge becomes for the user.</summary>
    internal static S3loException Malformed(string registry, FormatException e) =>
        new($"registry {registry} sent an authentication challenge s3lo cannot use: {e.Message}",
            "the registry answered 401 with a WWW-Authenticate header outside the HTTP grammar");
}
