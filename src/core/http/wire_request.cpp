// SPDX-License-Identifier: MIT
#include "core/http/wire_request.hpp"

#include <array>
#include <charconv>

namespace hooks::http {
namespace {

void append_header(std::string& out, std::string_view name, std::string_view value) {
    out.append(name).append(": ").append(value).append("\r\n");
}

/// The blank line, then `body` as one chunk (none when empty), the last chunk, the trailer
/// fields and the blank line that ends them.
void append_chunked(std::string& out, std::string_view body,
                    const std::vector<message::Header>& trailers) {
    out.append("\r\n");
    if (!body.empty()) {
        std::array<char, 16> hex{};
        auto [end, error] = std::to_chars(hex.data(), hex.data() + hex.size(), body.size(), 16);
        out.append(hex.data(), end).append("\r\n").append(body).append("\r\n");
    }
    out.append("0\r\n");
    for (const message::Header& trailer : trailers) {
        append_header(out, trailer.name, trailer.value);
    }
    out.append("\r\n");
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
    for (const auto* fields : {&request.headers, &request.trailers}) {
        for (const message::Header& header : *fields) {
            size += header.name.size() + header.value.size() + 4;
        }
    }
    out.reserve(size);
    out.append(request.method).append(" ").append(request.target).append(" HTTP/1.1\r\n");
    if (!request.first_header("Host")) {
        append_header(out, "Host", host);
    }
    // Trailer fields can only follow a chunked body: such a request goes chunked, its
    // Transfer-Encoding (or one added last) saying so, and without Content-Length.
    bool is_chunked = !request.trailers.empty();
    std::string length = std::to_string(request.body.size());
    bool has_length = false;
    bool has_coding = false;
    for (const message::Header& header : request.headers) {
        if (message::names_equal(header.name, "Transfer-Encoding")) {
            if (is_chunked && !has_coding) {
                append_header(out, header.name, "chunked");
                has_coding = true;
            }
            continue;
        }
        if (message::names_equal(header.name, "Content-Length")) {
            if (is_chunked) {
                continue;
            }
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
    wire.is_head = method == "HEAD";
    if (is_chunked) {
        if (!has_coding) {
            append_header(out, "Transfer-Encoding", "chunked");
        }
        append_chunked(out, request.body, request.trailers);
        return wire;
    }
    if (!has_length &&
        (!request.body.empty() || method == "POST" || method == "PUT" || method == "PATCH")) {
        append_header(out, "Content-Length", length);
    }
    out.append("\r\n").append(request.body);
    return wire;
}

} // namespace hooks::http
