// The Linux constants the calls take, as <sys/socket.h>, <poll.h>, <sys/eventfd.h> and <sys/file.h> define them
// on x86_64 and arm64 (the flock operations are the same on macOS).

export const AF_UNIX = 1;
export const AF_VSOCK = 40;
export const SOCK_STREAM = 1;
export const SOCK_NONBLOCK = 0o4000;
export const SOCK_CLOEXEC = 0o2000000;
export const SHUT_RD = 0;
export const SHUT_WR = 1;
export const SHUT_RDWR = 2;
export const SOL_SOCKET = 1;
export const SO_ERROR = 4;
export const SO_RCVBUF = 8;
/** send(2) flag: a peer that has gone is EPIPE, never a SIGPIPE. Libc.send always adds it. */
export const MSG_NOSIGNAL = 0x4000;

export const POLLIN = 0x001;
export const POLLOUT = 0x004;
export const POLLERR = 0x008;
export const POLLHUP = 0x010;
export const POLLNVAL = 0x020;
/** Bytes per struct pollfd { int fd; short events; short revents; }. */
export const POLLFD_SIZE = 8;

export const EFD_NONBLOCK = 0o4000;
export const EFD_CLOEXEC = 0o2000000;

export const LOCK_SH = 1;
export const LOCK_EX = 2;
export const LOCK_NB = 4;
export const LOCK_UN = 8;
