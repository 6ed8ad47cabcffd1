// SPDX-License-Identifier: MIT
/// An HTTP message as it was on the wire: method, target, ordered headers, raw body bytes.
#pragma once

#include "core/error.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hooks::message {

/// One header line, name in its original case, value exactly as received (no trimming inside).
struct Header {
    std::string name;
    std::string value;
    bool operator==(const Header&) const = default;
};

/// A request or the parts of one that a signature covers. Headers keep wire order and duplicates.
struct Message {
    std::string method = "POST";
    std::string target = "/";
    std::vector<Header> headers;
    std::string body;
    /// Trailer fields after a chunked body (RFC 9112 section 7.1.2), in wire order; empty when
    /// the request had none, as nearly every request does. Kept apart from the header section:
    /// a signature scheme looks here only after the headers (with_trailers()).
    std::vector<Header> trailers;

    /// Every value of the header named `name` (compared case-insensitively), in wire order.
    std::vector<std::string_view> header_values(std::string_view name) const;

    /// The value of `name` if it appears at least once (the first one).
    std::optional<std::string_view> first_header(std::string_view name) const;
};

/// `message` with its trailer fields appended to its headers, for a signature carried in a
/// trailer (a sender that computes it while streaming the body): a copy only when there are
/// trailers, else `message` itself.
const Message& with_trailers(const Message& message, Message& storage);

/// Whether two header names are equal ignoring ASCII case.
bool names_equal(std::string_view a, std::string_view b);

/// Whether `name` describes one hop rather than the message (RFC 9110 section 7.6.1) or its
/// framing: Connection, Keep-Alive, Proxy-Connection, TE, Trailer, Upgrade, Transfer-Encoding,
/// Expect. A client re-sending a captured message sets its own.
bool is_hop_by_hop(std::string_view name);

/// Fails unless `method` is an HTTP token (RFC 9110: GET, POST, PURGE, ...), naming it safely.
Result<void> validate_method(std::string_view method);

/// Fails unless `name` is an HTTP token (RFC 9110) and `value` has no CR, LF or NUL.
Result<void> validate_header(std::string_view name, std::string_view value);

/// Fails (input error, one line) on whatever could split or smuggle `request` once it is on the
/// wire: a method that is not a token, an empty target or one with blanks, CR, LF or NUL, a bad
/// header or trailer name or value. Both HTTP clients check every request with it before sending.
Result<void> validate_request(const Message& request);

/// Parses one `Name: value` line as given to `-H`; the value is trimmed of surrounding
/// spaces and tabs, as an HTTP parser would. Fails with a one-line reason.
Result<Header> parse_header_line(std::string_view line);

/// A header block as copied from a request dump: an optional request line
/// (`POST /path HTTP/1.1`), then `Name: value` lines ending in LF or CRLF, up to the first
/// blank line. Obsolete line folding is rejected. The request line fills method and target.
/// Two other dumps are read as well: `curl -v` output, whose request is the lines that start
/// with "> " (up to the empty one; "< " response lines and "* " notes are ignored), and a
/// browser's "copy request headers" of an HTTP/2 request, whose pseudo-headers (":method: POST",
/// ":path: /hooks") are ignored.
Result<Message> parse_header_block(std::string_view text);

} // namespace hooks::message
