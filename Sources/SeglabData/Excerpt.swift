/// A value as an error message quotes it: at most `limit` Unicode scalars (then `…`), with
/// control characters and line separators escaped. A 20 MB cell, a key holding a line break or
/// a terminal escape sequence still gives one short line on stderr (SPEC §6: one message).
/// Scalars, not characters, are counted: a million combining marks are one `Character`.
///
///     excerpt("1e400")                          // 1e400
///     excerpt("a\nb")                           // a\nb
///     excerpt(String(repeating: "9", count: 20_000_000))  // 60 nines, then …
public func excerpt(_ value: some StringProtocol, limit: Int = 60) -> String {
    var out = ""
    var count = 0
    for u in value.unicodeScalars {
        if count == limit { return out + "…" }
        count += 1
        switch u {
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case _ where u.properties.generalCategory == .control || u == "\u{2028}" || u == "\u{2029}":
            out += "\\u{" + String(u.value, radix: 16, uppercase: true) + "}"
        default: out.unicodeScalars.append(u)
        }
    }
    return out
}

/// Names for a message, each through `excerpt`, at most `limit` of them (then how many more).
///
///     excerptList(["a", "b", "c"], limit: 2)    // a, b, … (1 more)
public func excerptList(_ names: [String], limit: Int = 20) -> String {
    let shown = names.prefix(limit).map { excerpt($0) }.joined(separator: ", ")
    return names.count > limit ? shown + ", … (\(names.count - limit) more)" : shown
}
