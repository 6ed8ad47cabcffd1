// SPDX-License-Identifier: MIT
#include "core/http/transport.hpp"

namespace hooks::http {
namespace {

class ClientConnection final : public Connection {
  public:
    explicit ClientConnection(std::unique_ptr<Client> client) : m_client(std::move(client)) {}
    tl::expected<ClientResponse, ClientError> send(const message::Message& request) override {
        return m_client->send(request);
    }

  private:
    std::unique_ptr<Client> m_client;
};

class Network final : public Transport {
  public:
    Result<std::unique_ptr<Connection>> connect(const Url& origin,
                                                const ClientOptions& options) const override {
        auto client = Client::create(origin, options);
        if (!client) {
            return tl::unexpected(client.error());
        }
        return std::make_unique<ClientConnection>(std::move(*client));
    }

    Result<void> run_batch(const Url& origin, BatchDriver& driver,
                           const BatchOptions& options) const override {
        return http::run_batch(origin, driver, options);
    }
};

} // namespace

const Transport& network() {
    static const Network transport;
    return transport;
}

} // namespace hooks::http
