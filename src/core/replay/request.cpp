// SPDX-License-Identifier: MIT
#include "core/replay/request.hpp"

#include <algorithm>

namespace hooks::replay {

void replace_header(std::vector<message::Header>& headers, const message::Header& header) {
    auto first = std::find_if(headers.begin(), headers.end(), [&](const message::Header& h) {
        return message::names_equal(h.name, header.name);
    });
    if (first == headers.end()) {
        headers.push_back(header);
        return;
    }
    first->value = header.value;
    auto index = static_cast<std::size_t>(first - headers.begin());
    std::size_t kept = index + 1;
    for (std::size_t i = index + 1; i < headers.size(); ++i) {
        if (message::names_equal(headers[i].name, header.name)) {
            continue;
        }
        if (i != kept) {
            headers[kept] = std::move(headers[i]);
        }
        ++kept;
    }
    headers.resize(kept);
}

message::Message captured_request(const log::Record& record, const http::Url& destination) {
    message::Message request;
    request.method = record.message.method;
    request.target = destination.has_path ? destination.target : record.message.target;
    request.body = record.message.body;
    request.headers.reserve(record.message.headers.size() + 1);
    if (!record.message.first_header("Host")) {
        request.headers.push_back({"Host", destination.authority()});
    }
    bool is_host_set = false;
    for (const message::Header& header : record.message.headers) {
        if (message::is_hop_by_hop(header.name)) {
            continue;
        }
        if (message::names_equal(header.name, "Host")) {
            if (!is_host_set) {
                request.headers.push_back({header.name, destination.authority()});
                is_host_set = true;
            }
            continue;
        }
        if (message::names_equal(header.name, "Content-Length")) {
            replace_header(request.headers, {header.name, std::to_string(request.body.size())});
            continue;
        }
        request.headers.push_back(header);
    }
    request.trailers = record.message.trailers; // to_wire() sends them after a chunked body
    return request;
}

Result<void> sign_again(message::Message& request, const providers::Scheme& scheme,
                        std::span<const providers::Secret> secrets, const std::string& id,
                        providers::UnixMillis timestamp, const std::string& url) {
    providers::SignInput input;
    input.body = request.body;
    input.secrets = secrets;
    input.id = id;
    input.timestamp = timestamp;
    input.url = url;
    input.method = request.method;
    input.headers = request.headers;
    auto signature = scheme.sign(input);
    if (!signature) {
        return tl::unexpected(signature.error());
    }
    for (const message::Header& header : signature->headers) {
        replace_header(request.headers, header);
        // The fresh signature is the only one: none of that name stays behind in a trailer.
        std::erase_if(request.trailers, [&header](const message::Header& trailer) {
            return message::names_equal(trailer.name, header.name);
        });
    }
    // Mailgun signs inside the body: only the signature's value changes, and only when the key
    // does.
    if (signature->body) {
        request.body = std::move(*signature->body);
    }
    return {};
}

} // namespace hooks::replay
