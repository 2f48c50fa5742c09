/// The pagination errors of RFC 9865 §2.1, Table 3: all 400 with their own `scimType`.
extension SCIMError {
    /// 400 `invalidCursor`: the cursor is malformed, forged or unknown. The detail is fixed, as
    /// RFC 9865 §5.2 asks, so that it discloses nothing about other actors' result sets.
    public static func invalidCursor(
        _ detail: String =
            "The cursor is invalid. Send an empty cursor for the first page and a nextCursor or previousCursor value after that."
    ) -> SCIMError {
        SCIMError(status: 400, scimType: .invalidCursor, detail: detail)
    }

    /// 400 `expiredCursor`: the cursor was valid but has timed out.
    public static func expiredCursor(
        _ detail: String = "The cursor has expired. Request the next page within the cursorTimeout, or start again."
    ) -> SCIMError {
        SCIMError(status: 400, scimType: .expiredCursor, detail: detail)
    }

    /// 400 `invalidCount`: `count` is not an integer, or differs from the count of the initial query.
    public static func invalidCount(_ detail: String) -> SCIMError {
        SCIMError(status: 400, scimType: .invalidCount, detail: detail)
    }
}
