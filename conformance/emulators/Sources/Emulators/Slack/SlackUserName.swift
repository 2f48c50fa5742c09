/// Slack's `userName` rules (targets.md §B "User attributes"), as this emulator applies them to a
/// POST, PUT or PATCH:
///
/// 1. an email address (anything with `@`) becomes its local part: `Jane.Doe@example.com` → `Jane.Doe`;
/// 2. letters are lowercased (Slack user names are lowercase);
/// 3. every character other than `a-z`, `0-9`, `.`, `_` and `-` becomes `_`: `jane doe+x` → `jane_doe_x`;
/// 4. more than 21 characters (after 1–3) is refused with `username_too_long`, not truncated;
/// 5. nothing left is `missing_schema_element`.
///
/// Uniqueness (`username_taken`, against users and channel names) is checked by the directory.
public enum SlackUserName {
    public static let maximumLength = 21

    /// The stored form of a requested `userName`, or the Slack error for it.
    public static func normalize(_ requested: String) throws(SlackError) -> String {
        let name = converted(requested)
        guard !name.isEmpty else { throw SlackError.missingSchemaElement }
        guard name.count <= maximumLength else { throw SlackError.usernameTooLong }
        return name
    }

    /// Rules 1–3, without the length check.
    public static func converted(_ requested: String) -> String {
        var text = Substring(requested)
        if let at = text.firstIndex(of: "@") { text = text[..<at] }
        return String(
            text.lowercased().map { c -> Character in
                if c.isASCII, c.isLetter || c.isNumber || c == "." || c == "_" || c == "-" { return c }
                return "_"
            }
        )
    }
}
