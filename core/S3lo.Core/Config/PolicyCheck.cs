namespace S3lo.Core.Config;

/// <summary>What a policy checks; each kind takes one field (scan: max_severity, age: max_days, signed: key_ref, size: max_bytes).</summary>
public enum PolicyCheck
{
    Scan,
    Age,
    Signed,
    Size,
}
