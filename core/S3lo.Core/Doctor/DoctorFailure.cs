using S3lo.Core.Errors;

namespace S3lo.Core.Doctor;

/// <summary>The store failed under doctor (not a finding about the bucket): the check stops with one line.</summary>
internal static class DoctorFailure
{
    public static S3loException ReadFailed(string bucket, string key, Exception e) =>
        new($"{bucket}: reading {key} failed: {e.Message}", "check the connection and the credentials, then run doctor again", e);
}
