import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { NestFactory } from '@nestjs/core';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { AppModule } from '../app.module.js';
import { AuditService } from '../audit/audit.service.js';
import { ConfigError, loadEnv } from '../config/load-env.js';
import { runMigrations } from '../database/data-source.js';
import { resolveDatabase } from '../database/resolve-database.js';
import { TransactionContext } from '../database/transaction-context.js';
import { CreateUserDto } from './dto/user.dto.js';
import { passwordProblem } from './password-policy.js';
import { UsersService } from './users.service.js';

const USAGE =
  'usage: npm run user:create -- --email <email> --role <admin|coordinator|clinician> --name "<display name>"\n' +
  '       (the password is read from standard input, first line)';

async function readPassword(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('Password (at least 12 characters, not easy to guess): ');
  let data = '';
  for await (const chunk of process.stdin) {
    data += String(chunk);
    if (data.includes('\n')) break;
  }
  return data.split('\n')[0]?.replace(/\r$/, '') ?? '';
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { email: { type: 'string' }, role: { type: 'string' }, name: { type: 'string' } },
  });
  const dto = plainToInstance(CreateUserDto, { email: values.email, role: values.role, displayName: values.name });
  const password = await readPassword();
  const problems = validateSync(dto).map((e) => Object.values(e.constraints ?? {}).join('; '));
  // The same policy as every other way to set a password.
  const weak = passwordProblem(password, { email: dto.email, displayName: dto.displayName });
  if (weak !== undefined) problems.push(`password ${weak}`);
  if (problems.length > 0) {
    process.stderr.write(`${problems.join('\n')}\n${USAGE}\n`);
    return 2;
  }
  const env = loadEnv();
  const database = await resolveDatabase(env, () => undefined, { reuseRunning: true });
  try {
    await runMigrations(database.url);
    const app = await NestFactory.createApplicationContext(
      AppModule.forRoot({
        ...env,
        DATABASE_URL: database.url,
        JWT_ACCESS_SECRET: env.JWT_ACCESS_SECRET ?? 'x'.repeat(32),
        ADMIN_EMAIL: undefined,
        ADMIN_PASSWORD: undefined,
      }),
      { logger: ['error'] },
    );
    try {
      const user = await app.get(TransactionContext).run(async () => {
        const created = await app.get(UsersService).createWithPassword(dto, password);
        await app.get(AuditService).record({
          action: 'user.create',
          entityType: 'user',
          entityId: created.id,
          outcome: 'success',
          reason: 'cli',
        });
        return created;
      });
      process.stdout.write(`created ${user.role} ${user.email} (${user.id})\n`);
      return 0;
    } finally {
      await app.close();
    }
  } finally {
    await database.embedded?.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `${error instanceof ConfigError ? error.message : error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  },
);
