/// CloudCafe's version, as `cloudcafe --version` and `/_cloudcafe/health` report it.
public enum CloudCafeVersion {
    public static let current = "0.10.0"
}
