// SPDX-License-Identifier: MIT
#include "core/send/request.hpp"

#include <algorithm>

namespace hooks::send {
namespace {

/// Sets `name` to `value`, replacing every header of that name.
void put_header(std::vector<message::Header>& headers, const message::Header& header) {
    std::erase_if(headers, [&](const message::Header& existing) {
        return message::names_equal(existing.name, header.name);
    });
    headers.push_back(header);
}

/// The -H headers in the order given, duplicates kept, after `headers` without those of the
/// same names (any case): -H replaces a built-in header, and can repeat one.
void apply_extra_headers(std::vector<message::Header>& headers,
                         const std::vector<message::Header>& extra) {
    std::erase_if(headers, [&](const message::Header& existing) {
        return std::any_of(extra.begin(), extra.end(), [&](const message::Header& given) {
            return message::names_equal(existing.name, given.name);
        });
    });
    headers.insert(headers.end(), extra.begin(), extra.end());
}

} // namespace

Result<message::Message> build_unsigned(const Plan& plan, const std::string& id,
                                        providers::UnixMillis created) {
    Result<events::UnsignedRequest> built;
    if (plan.deliveries) {
        built = plan.deliveries->build(id, created);
    } else {
        events::BuildInput input = plan.build;
        input.id = id;
        input.timestamp = created;
        built = events::build_delivery(input);
    }
    if (!built) {
        return tl::unexpected(built.error());
    }
    message::Message request;
    request.method = plan.method.empty() ? built->method : plan.method;
    request.target = plan.url.target;
    request.body = std::move(built->body);
    request.headers.push_back({"User-Agent", plan.user_agent});
    request.headers.push_back({"Accept", "*/*"});
    request.headers.push_back({"Content-Type", built->content_type});
    for (message::Header& header : built->headers) {
        put_header(request.headers, header);
    }
    return request;
}

Result<message::Message> sign_request(const Plan& plan, message::Message request,
                                      const std::string& id, providers::UnixMillis signed_at) {
    providers::SignInput sign;
    sign.body = request.body;
    sign.secrets = plan.secrets;
    sign.id = id;
    sign.timestamp = signed_at;
    sign.url = plan.url_text;
    sign.method = request.method;
    sign.headers = request.headers;
    auto signature = plan.scheme->sign(sign);
    if (!signature) {
        return tl::unexpected(signature.error());
    }
    for (const message::Header& header : signature->headers) {
        put_header(request.headers, header);
    }
    if (signature->body) {
        request.body = std::move(*signature->body);
    }
    apply_extra_headers(request.headers, plan.extra_headers);
    for (const message::Header& header : request.headers) {
        if (auto valid = message::validate_header(header.name, header.value); !valid) {
            return tl::unexpected(valid.error());
        }
    }
    return request;
}

Result<message::Message> build_request(const Plan& plan, const std::string& id,
                                       providers::UnixMillis created,
                                       providers::UnixMillis signed_at) {
    auto request = build_unsigned(plan, id, created);
    if (!request) {
        return tl::unexpected(request.error());
    }
    return sign_request(plan, std::move(*request), id, signed_at);
}

} // namespace hooks::send
