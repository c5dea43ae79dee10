//! The holder's wallet (hawiya-wallet) end to end, one test binary: each
//! module is one concern, from everyday use to crashes, races, hostile
//! files and full disks. Several spawn the `wallet_worker` binary to test
//! other processes and kills.

mod backup;
mod basics;
mod concurrency;
mod crash;
mod full_disk;
mod guessing;
mod migration;
mod reset;
mod tamper;
mod worker;
