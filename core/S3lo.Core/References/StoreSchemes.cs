namespace S3lo.Core.References;

/// <summary>The lowercase names of <see cref="StoreScheme"/> as written in references ("s3" in <c>s3://</c>).</summary>
public static class StoreSchemes
{
    // Fixed order: error hints list the schemes in this order.
    internal static readonly StoreScheme[] All = [StoreScheme.S3, StoreScheme.Gs, StoreScheme.Az, StoreScheme.Local];

    public static string Name(StoreScheme scheme) => scheme switch
    {
        StoreScheme.Local => "local",
        StoreScheme.S3 => "s3",
        StoreScheme.Gs => "gs",
        StoreScheme.Az => "az",
        _ => throw new ArgumentOutOfRangeException(nameof(scheme), scheme, "unknown store scheme"),
    };

    /// <summary>"s3://" etc.</summary>
    internal static string Prefix(StoreScheme scheme) => Name(scheme) + "://";

    /// <summary>"s3://, gs://, az:// or local://", for hints.</summary>
    internal static string PrefixList() =>
        string.Join(", ", All[..^1].Select(Prefix)) + " or " + Prefix(All[^1]);
}
