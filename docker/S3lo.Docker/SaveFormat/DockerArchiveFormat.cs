namespace S3lo.Docker.SaveFormat;

/// <summary>The two layouts <c>docker save</c> writes.</summary>
public enum DockerArchiveFormat
{
    /// <summary>Classic docker-archive (Docker before 25): manifest.json, &lt;hex&gt;.json config, &lt;id&gt;/layer.tar.</summary>
    DockerArchive,

    /// <summary>OCI image layout (Docker 25+): oci-layout, index.json and blobs/sha256/&lt;hex&gt;, plus a docker manifest.json.</summary>
    OciLayout,
}
