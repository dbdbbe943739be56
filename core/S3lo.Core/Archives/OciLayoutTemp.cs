using System.Text.RegularExpressions;

namespace S3lo.Core.Archives;

/// <summary>Temp files in an OCI layout directory: <c>.s3lo-WHAT-&lt;32 hex&gt;.tmp</c>, one unique name per write.</summary>
internal static partial class OciLayoutTemp
{
    public static string NewName(string what) => $".s3lo-{what}-{Guid.NewGuid():N}.tmp";

    /// <summary>The exact pattern of <see cref="NewName"/>, for clearing what a killed copy left.</summary>
    [GeneratedRegex(@"^\.s3lo-[a-z0-9.-]+-[0-9a-f]{32}\.tmp$", RegexOptions.CultureInvariant)]
    public static partial Regex Name();
}
