// SPDX-License-Identifier: MIT
#include "core/listen/challenge.hpp"

#include "core/crypto/encoding.hpp"
#include "core/crypto/hmac.hpp"
#include "core/providers/twilio_scheme.hpp"

#include <nlohmann/json.hpp>

namespace hooks::listen {
namespace {

/// The string at `pointer` in a JSON body, or nothing.
std::optional<std::string> body_string(std::string_view body, const char* pointer) {
    auto document = nlohmann::json::parse(body, nullptr, false);
    if (document.is_discarded() || !document.is_object()) {
        return std::nullopt;
    }
    nlohmann::json::json_pointer path(pointer);
    if (!document.contains(path) || !document.at(path).is_string()) {
        return std::nullopt;
    }
    return document.at(path).get<std::string>();
}

http::Response text_answer(std::string body) {
    http::Response response;
    response.status = 200;
    response.headers.push_back({"Content-Type", "text/plain; charset=utf-8"});
    response.body = std::move(body);
    return response;
}

std::optional<http::Response> zoom(const message::Message& request,
                                   const providers::Secret* secret) {
    if (secret == nullptr || body_string(request.body, "/event") != "endpoint.url_validation") {
        return std::nullopt;
    }
    auto plain = body_string(request.body, "/payload/plainToken");
    if (!plain) {
        return std::nullopt;
    }
    std::string encrypted =
        crypto::hex_encode(crypto::hmac(crypto::DigestAlgorithm::sha256, secret->value, *plain));
    http::Response response;
    response.status = 200;
    response.headers.push_back({"Content-Type", "application/json"});
    response.body = nlohmann::json{{"plainToken", *plain}, {"encryptedToken", encrypted}}.dump();
    return response;
}

std::optional<http::Response> dropbox(const message::Message& request) {
    auto query = request.target.find('?');
    if (request.method != "GET" || query == std::string::npos) {
        return std::nullopt;
    }
    auto params = providers::parse_form(std::string_view(request.target).substr(query + 1));
    if (!params) {
        return std::nullopt;
    }
    for (const auto& [name, value] : *params) {
        if (name == "challenge") {
            http::Response response = text_answer(value);
            response.headers.push_back({"X-Content-Type-Options", "nosniff"});
            return response;
        }
    }
    return std::nullopt;
}

} // namespace

std::optional<http::Response> challenge_answer(std::string_view provider,
                                               const message::Message& request,
                                               const providers::Secret* secret) {
    if (provider == "zoom") {
        return zoom(request, secret);
    }
    if (provider == "twitch") {
        if (request.first_header("Twitch-Eventsub-Message-Type") !=
            std::optional<std::string_view>("webhook_callback_verification")) {
            return std::nullopt;
        }
        auto challenge = body_string(request.body, "/challenge");
        return challenge ? std::optional(text_answer(*challenge)) : std::nullopt;
    }
    if (provider == "dropbox") {
        return dropbox(request);
    }
    if (provider == "slack" && body_string(request.body, "/type") == "url_verification") {
        auto challenge = body_string(request.body, "/challenge");
        return challenge ? std::optional(text_answer(*challenge)) : std::nullopt;
    }
    return std::nullopt;
}

} // namespace hooks::listen
