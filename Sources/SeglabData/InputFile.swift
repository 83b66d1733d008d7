import Foundation

/// Input files (experiment files, data files) must be regular files. Opening a FIFO for
/// reading blocks until a writer appears (forever, for `validate`), and a directory or a
/// symbolic-link loop only gives Foundation's "error 256": `problem(at:)` says what the path
/// is, from `stat`, before anything opens it.
public enum InputFile {
    /// Why `path` cannot be read as an input file, or nil when it is a regular file
    /// (symbolic links are followed).
    ///
    ///     InputFile.problem(at: "/tmp")   // "it is a directory, not a file"
    public static func problem(at path: String) -> String? {
        var st = stat()
        guard stat(path, &st) == 0 else {
            let code = errno
            if code == ELOOP { return "too many levels of symbolic links (a symbolic link loop?)" }
            return String(cString: strerror(code))
        }
        switch st.st_mode & S_IFMT {
        case S_IFREG: return nil
        case S_IFDIR: return "it is a directory, not a file"
        case S_IFIFO: return "it is a FIFO (named pipe), not a regular file"
        case S_IFSOCK: return "it is a socket, not a regular file"
        case S_IFCHR, S_IFBLK: return "it is a device, not a regular file"
        default: return "it is not a regular file"
        }
    }
}
