// SPDX-License-Identifier: MIT
#include "support/provider_fixtures.hpp"

#include <stdexcept>

namespace hooks::testing {
namespace {

const providers::Registry& registry() {
    static const providers::Registry k_registry = providers::Registry::builtin();
    return k_registry;
}

std::vector<providers::Secret> labelled(const std::vector<std::string>& values) {
    std::vector<providers::Secret> secrets;
    for (size_t i = 0; i < values.size(); ++i) {
        secrets.push_back({values[i], "--secret #" + std::to_string(i + 1)});
    }
    return secrets;
}

} // namespace

const providers::Scheme& builtin_provider(const std::string& name) {
    auto scheme = registry().find(name);
    if (!scheme) {
        throw std::runtime_error(scheme.error().message);
    }
    return **scheme;
}

message::Message make_message(std::vector<message::Header> headers, std::string body) {
    message::Message message;
    message.headers = std::move(headers);
    message.body = std::move(body);
    return message;
}

std::vector<message::Header> sign_with(const std::string& name, const std::string& secret,
                                       const std::string& body, long long timestamp,
                                       const std::string& url) {
    std::vector<providers::Secret> secrets = labelled({secret});
    providers::SignInput input;
    input.body = body;
    input.secrets = secrets;
    input.id = "msg_test";
    input.timestamp = providers::UnixMillis(timestamp * 1000);
    input.url = url;
    auto output = builtin_provider(name).sign(input);
    if (!output) {
        throw std::runtime_error(output.error().message);
    }
    return output->headers;
}

providers::VerifyResult verify_with(const std::string& name, const message::Message& message,
                                    const std::vector<std::string>& secrets, long long now,
                                    const std::string& url) {
    std::vector<providers::Secret> labelled_secrets = labelled(secrets);
    providers::VerifyInput input(message, labelled_secrets);
    input.now = providers::UnixMillis(now * 1000);
    input.url = url;
    auto result = builtin_provider(name).verify(input);
    if (!result) {
        throw std::runtime_error(result.error().message);
    }
    return *result;
}

} // namespace hooks::testing
