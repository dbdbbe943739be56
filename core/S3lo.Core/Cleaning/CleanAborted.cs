using S3lo.Core.Errors;

namespace S3lo.Core.Cleaning;

/// <summary>The errors that stop a clean before it deletes blobs: it never deletes on a partial view.</summary>
internal static class CleanAborted
{
    public static S3loException ReadFailed(string bucket, string key, Exception error) =>
        new($"clean stopped: {bucket}/{key} could not be read ({error.Message}); no blob was deleted",
            "run clean again: it deletes blobs only after it has read every tag", error);

    public static S3loException MarkerLost(string bucket) =>
        new($"clean stopped: its running-clean marker in {bucket} could not be kept fresh; the remaining blobs were not deleted",
            "run clean again: pushes rely on the marker to wait for its deletes");
}
