// What the back office reads, zh-CN first and English beside it.

export const ADMIN_MESSAGES = {};
