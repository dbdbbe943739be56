namespace S3lo.Core.References;

/// <summary>The kind of storage a bucket reference points at.</summary>
public enum StoreScheme
{
    Local,
    S3,
    Gs,
    Az,
}
