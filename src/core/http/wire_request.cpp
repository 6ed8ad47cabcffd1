// SPDX-License-Identifier: MIT
#include "core/http/wire_request.hpp"

namespace hooks::http {
namespace {

void append_header(std::string& out, std::string_view name, std::string_view value) {
    out.append(name).append(": ").append(value).append("\r\n");
}

} // namespace

Result<WireRequest> to_wire(const message::Message& request, std::string_view host,
                            std::string buffer) {
    if (auto valid = message::validate_request(request); !valid) {
        return tl::unexpected(valid.error());
    }
    WireRequest wire;
    std::string& out = wire.bytes;
    out = std::move(buffer);
    out.clear();
    std::size_t size =
        request.method.size() + request.target.size() + host.size() + 64 + request.body.size();
    for (const message::Header& header : request.headers) {
        size += header.name.size() + header.value.size() + 4;
    }
    out.reserve(size);
    out.append(request.method).append(" ").append(request.target).append(" HTTP/1.1\r\n");
    if (!request.first_header("Host")) {
        append_header(out, "Host", host);
    }
    std::string length = std::to_string(request.body.size());
    bool has_length = false;
    for (const message::Header& header : request.headers) {
        if (message::names_equal(header.name, "Transfer-Encoding")) {
            continue;
        }
        if (message::names_equal(header.name, "Content-Length")) {
            if (!has_length) {
                append_header(out, header.name, length);
                has_length = true;
            }
            continue;
        }
        if (message::names_equal(header.name, "Connection") &&
            message::names_equal(header.value, "close")) {
            wire.should_close = true;
        }
        append_header(out, header.name, header.value);
    }
    // As Beast's prepare_payload: an empty body is announced only where one is expected.
    const std::string& method = request.method;
    if (!has_length &&
        (!request.body.empty() || method == "POST" || method == "PUT" || method == "PATCH")) {
        append_header(out, "Content-Length", length);
    }
    out.append("\r\n").append(request.body);
    wire.is_head = method == "HEAD";
    return wire;
}

} // namespace hooks::http
