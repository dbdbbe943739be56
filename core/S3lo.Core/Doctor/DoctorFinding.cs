namespace S3lo.Core.Doctor;

public enum DoctorSeverity
{
    Error,
    Warning,
}

/// <summary>
/// One problem doctor found: <paramref name="Kind"/> is a stable short name (missing-blob, wrong-size...),
/// <paramref name="Object"/> the key it is about, <paramref name="Fix"/> what to run or do about it.
/// </summary>
public sealed record DoctorFinding(DoctorSeverity Severity, string Kind, string Object, string Message, string Fix)
{
    public static DoctorFinding Error(string kind, string key, string message, string fix) => new(DoctorSeverity.Error, kind, key, message, fix);

    public static DoctorFinding Warning(string kind, string key, string message, string fix) => new(DoctorSeverity.Warning, kind, key, message, fix);
}
