namespace S3lo.Core.Config;

/// <summary>The globs s3lo.yaml uses for image names (<c>dev/*</c>, <c>*-cache</c>) and keep_tags (<c>v1.*</c>).</summary>
public static class GlobPattern
{
    public static bool IsGlob(string pattern) => pattern.AsSpan().IndexOfAny('*', '?') >= 0;

    /// <summary><c>*</c> matches any run of characters (slashes included), <c>?</c> one character; the rest is literal.</summary>
    public static bool Matches(string pattern, string text) => Matches(pattern.AsSpan(), text.AsSpan());

    /// <summary>The characters before the first wildcard: the longer, the more specific the glob.</summary>
    public static int LiteralPrefixLength(string pattern)
    {
        var wildcard = pattern.AsSpan().IndexOfAny('*', '?');
        return wildcard < 0 ? pattern.Length : wildcard;
    }

    private static bool Matches(ReadOnlySpan<char> pattern, ReadOnlySpan<char> text)
    {
        // Iterative matching with one backtrack point: linear in practice, never exponential.
        int p = 0, t = 0, star = -1, mark = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || pattern[p] == text[t]))
            {
                p++;
                t++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                mark = t;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++mark;
            }
            else
            {
                return false;
            }
        }
        while (p < pattern.Length && pattern[p] == '*') p++;
        return p == pattern.Length;
    }
}
