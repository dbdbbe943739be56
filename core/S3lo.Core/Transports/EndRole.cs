namespace S3lo.Core.Transports;

/// <summary>Which end of a transfer a reference names: parsing and opening differ by it (a destination needs a tag).</summary>
public enum EndRole
{
    Source,
    Destination,
}
