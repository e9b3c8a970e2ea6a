import { describe, expect, it } from 'vitest'
import { ConfigError, parseEnv } from '#server/env.ts'

describe('configuration', () => {
  it('has the defaults of API.md', () => {
    const env = parseEnv({})
    expect(env.PORT).toBe(3000)
    expect(env.APP_URL).toBe('http://localhost:3000')
    expect(env.DATABASE_URL).toBe('postgres://postgres@127.0.0.1:5432/ruta')
    expect(env.REDIS_URL).toBe('redis://127.0.0.1:6379')
    expect(env.DEMO).toBe(true)
    expect(env.SECURE).toBe(false)
    expect(env.EMAIL_FROM).toBe('Ruta <no-reply@ruta.local>')
    expect(env.REMINDER_SWEEP_PARTS).toBe(2)
  })

  it('derives APP_URL from PORT and demo mode from its host', () => {
    expect(parseEnv({ PORT: '4100' }).APP_URL).toBe('http://localhost:4100')
    expect(parseEnv({ APP_URL: 'http://127.0.0.1:3000' }).DEMO).toBe(true)
    const prod = parseEnv({ APP_URL: 'https://ruta.example.org', SESSION_SECRET: 'x'.repeat(32) })
    expect(prod.DEMO).toBe(false)
    expect(prod.SECURE).toBe(true)
    expect(prod.APP_ORIGIN).toBe('https://ruta.example.org')
  })

  it.each([
    [{ PORT: 'abc' }, /PORT: must be a whole number/],
    [{ PORT: '70000' }, /PORT: must be between 1 and 65535/],
    [{ DATABASE_URL: 'not a url' }, /DATABASE_URL: must be a postgres:\/\/ URL/],
    [{ DATABASE_URL: 'mysql://localhost/ruta' }, /DATABASE_URL/],
    [{ REDIS_URL: 'http://localhost' }, /REDIS_URL: must be a redis:\/\/ URL/],
    [{ APP_URL: 'ruta.example.org' }, /APP_URL/],
    [{ DEMO: 'maybe' }, /DEMO: must be true or false/],
    [{ APP_URL: 'https://ruta.example.org' }, /SESSION_SECRET: required outside demo mode/],
    [{ REMINDER_SWEEP_PARTS: '0' }, /REMINDER_SWEEP_PARTS: must be between 1 and 16/],
    [{ REMINDER_SWEEP_PARTS: '2.5' }, /REMINDER_SWEEP_PARTS: must be a whole number/],
    [{ REMINDER_SWEEP_PARTS: 'two' }, /REMINDER_SWEEP_PARTS: must be a number/],
  ])('refuses %o naming the variable', (source, message) => {
    expect(() => parseEnv(source)).toThrow(ConfigError)
    expect(() => parseEnv(source)).toThrow(message)
  })
})
