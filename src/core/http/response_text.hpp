// SPDX-License-Identifier: MIT
/// A canned answer written as text: what `listen --respond @FILE` answers with.
#pragma once

#include "core/error.hpp"
#include "core/http/server.hpp"

#include <string_view>

namespace hooks::http {

/// An HTTP response as `curl -i` prints it or as one writes it by hand: a status line
/// (`HTTP/1.1 202 Accepted`; any HTTP version, the reason optional and ignored), `Name: value`
/// lines ending in LF or CRLF, an empty line, then the body, byte for byte, to the end of the
/// text (none when there is no empty line). The status is 200 to 599. Content-Length,
/// Transfer-Encoding and Connection lines are left out: the server frames the response.
/// Fails (input error, one line) naming the line at fault without quoting it.
Result<Response> parse_response_text(std::string_view text);

} // namespace hooks::http
