// SPDX-License-Identifier: MIT
/// How a request or response body is shown on the terminal: readable, bounded, and never able
/// to send the terminal a control sequence.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace hooks::cli {

/// How much of a body to show, and whether in colour.
struct BodyViewOptions {
    bool color = false; ///< ANSI colours for JSON keys, strings, numbers, literals
    std::size_t max_bytes =
        std::size_t{64} * 1024;  ///< larger bodies: the first bytes as received, and a note
    int max_depth = 64;          ///< deeper JSON: the start as received, and a note
    std::size_t max_lines = 200; ///< longer output is cut after this many lines, with a note
};

/// The body ready to print, ending in '\n':
/// - "(empty body)" for an empty body;
/// - valid JSON (whatever the content type says) re-indented by 2 spaces, every token exactly
///   as received: numbers and strings are never converted or re-escaped;
/// - with an application/x-www-form-urlencoded content type, one `name = value` line per
///   field, percent-decoded;
/// - other UTF-8 text as received;
/// - invalid UTF-8 or text with NUL bytes as "(binary, N bytes)" and a hex dump of the first
///   256 bytes.
/// Control bytes other than LF and TAB, DEL, C1 controls and bidirectional controls are shown
/// as escapes ("\x1b", "\r", "\u202e"), never raw. Output cut by a limit of `options` ends in
/// a note line starting with "…".
std::string render_body(std::string_view body, std::string_view content_type,
                        const BodyViewOptions& options);

/// `text` as one line safe for the terminal (header values, targets, reasons): the escaping of
/// render_body, with LF also shown as "\n".
std::string terminal_safe(std::string_view text);

} // namespace hooks::cli
