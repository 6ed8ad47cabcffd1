// SPDX-License-Identifier: MIT
/// A request made into the bytes that go on the wire, once, by whoever builds it: the batch
/// engine then only writes them (and writes them again for a retry that changes nothing).
#pragma once

#include "core/error.hpp"
#include "core/message/message.hpp"

#include <string>
#include <string_view>

namespace hooks::http {

/// Request line, headers, blank line and body in one buffer.
struct WireRequest {
    std::string bytes;
    bool is_head = false;      ///< its response has no body
    bool should_close = false; ///< it asks for `Connection: close`
};

/// `request` as it goes on the wire: headers in order and case, `Host: host` first when it has
/// none. Content-Length always tells the body's length: the request's own stays in its place
/// with that value (once), or one is added last where a body is expected; Transfer-Encoding is
/// dropped (a replayed capture's body is already de-chunked). Nothing else is added. A request
/// with trailer fields goes chunked instead, since only a chunked body can carry them: its own
/// Transfer-Encoding (once) or one added last says `chunked`, Content-Length is dropped, and
/// the body goes as one chunk followed by the trailer fields in order.
/// Fails (input error, one line) on anything that could split or smuggle a request
/// (message::validate_request).
/// The bytes are written into `buffer`, whose memory is reused.
Result<WireRequest> to_wire(const message::Message& request, std::string_view host,
                            std::string buffer = {});

} // namespace hooks::http
