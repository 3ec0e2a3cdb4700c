// Mailbox<T>: how other threads hand events to a thread that polls ZeroMQ sockets (the broker's
// transport thread): the owner binds a PULL socket and polls it beside its others; every other
// thread owns one Poster (a PUSH socket, created on the owner's thread before the other thread
// starts and used only by that thread afterwards — thread start is the full fence ZeroMQ
// requires to move a socket). Events travel as pointers: in-process, no copy, no serialization.
// Mailbox: owner thread only. Poster: its one thread only.
#pragma once

#include <cstring>
#include <memory>
#include <string>
#include <zmq.hpp>

namespace ozgbus::util {

template <typename T>
class Mailbox {
 public:
  class Poster {
   public:
    Poster(zmq::context_t& ctx, const std::string& endpoint) : push_(ctx, zmq::socket_type::push) {
      push_.set(zmq::sockopt::sndhwm, 0);  // never drop: the owner drains it every loop turn
      push_.connect(endpoint);
    }
    void post(std::unique_ptr<T> event) {
      T* raw = event.release();
      push_.send(zmq::buffer(&raw, sizeof raw), zmq::send_flags::none);
    }

   private:
    zmq::socket_t push_;
  };

  Mailbox(zmq::context_t& ctx, std::string endpoint)
      : ctx_(ctx), endpoint_(std::move(endpoint)), pull_(ctx, zmq::socket_type::pull) {
    pull_.set(zmq::sockopt::rcvhwm, 0);
    pull_.bind(endpoint_);
  }
  ~Mailbox() {
    while (tryTake()) {
    }
  }
  Mailbox(const Mailbox&) = delete;
  Mailbox& operator=(const Mailbox&) = delete;

  std::unique_ptr<Poster> poster() { return std::make_unique<Poster>(ctx_, endpoint_); }
  zmq::socket_t& socket() { return pull_; }

  std::unique_ptr<T> tryTake() {
    zmq::message_t m;
    if (!pull_.recv(m, zmq::recv_flags::dontwait) || m.size() != sizeof(T*)) return nullptr;
    T* raw = nullptr;
    std::memcpy(&raw, m.data(), sizeof raw);
    return std::unique_ptr<T>(raw);
  }

 private:
  zmq::context_t& ctx_;
  std::string endpoint_;
  zmq::socket_t pull_;
};

}  // namespace ozgbus::util
