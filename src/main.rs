//! The `pgrender` binary: everything lives in the library.
//!
//! A C `main` (`no_main`) instead of Rust's: Rust's start-up reads
//! /proc/self/maps to find the main thread's stack, maps a signal stack and
//! installs handlers so that a stack overflow prints a message, and frees
//! that stack again at exit. In a process that lives two milliseconds that
//! is ~80 us (README, Performance). What pgrender relies on from that
//! start-up is done here instead; the stack overflow message is what is
//! lost (a recursion in pgrender is bounded by the spec's nesting limit).
#![no_main]

use std::ffi::{c_char, c_int};

// The unsafe here is three libc calls (signal, fcntl, open) with constant
// arguments, made before any other code runs and before any thread exists.
#[allow(unsafe_code)]
#[unsafe(no_mangle)]
extern "C" fn main(_argc: c_int, _argv: *const *const c_char) -> c_int {
    // A closed stdout pipe (`pgrender check | head`) must make a write fail
    // (which pgrender ignores), not kill the process with SIGPIPE and an
    // exit status that is none of 0, 1 and 2. SAFETY: setting a disposition
    // to SIG_IGN runs no code in a handler.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_IGN);
    }
    // Started with stdin, stdout or stderr closed, the first file pgrender
    // opens would get that number, and output meant for the terminal would
    // land in a generated file: hold each closed one open on /dev/null.
    for fd in 0..=2 {
        // SAFETY: fcntl(F_GETFD) only reads a descriptor's flags; open is
        // given a NUL-terminated constant path.
        unsafe {
            if libc::fcntl(fd, libc::F_GETFD) == -1 {
                libc::open(c"/dev/null".as_ptr(), libc::O_RDWR);
            }
        }
    }
    c_int::from(pgrender::cli::main())
}
