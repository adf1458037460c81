import { describe, expect, it } from '@jest/globals';
import { ConflictException, NotFoundException } from '@nestjs/common';
import type { ValidationError } from 'class-validator';
import { RequestValidationException, flattenValidationErrors, toProblem } from './problem.js';

describe(flattenValidationErrors.name, () => {
  it('should name nested and array fields by their full path', () => {
    const errors: ValidationError[] = [
      { property: 'email', constraints: { isEmail: 'email must be an email' }, children: [] },
      {
        property: 'items',
        children: [
          {
            property: '0',
            children: [{ property: 'nctId', constraints: { matches: 'nctId must match NCT########' }, children: [] }],
          },
        ],
      },
    ];
    expect(flattenValidationErrors(errors)).toEqual([
      { field: 'email', messages: ['email must be an email'] },
      { field: 'items[0].nctId', messages: ['items[0].nctId must match NCT########'] },
    ]);
  });
});

describe(toProblem.name, () => {
  it('should carry field errors for validation failures', () => {
    const p = toProblem(RequestValidationException.field('cursor', 'cursor is bad'), 'req-1');
    expect(p).toMatchObject({
      status: 400,
      errors: [{ field: 'cursor', messages: ['cursor is bad'] }],
      requestId: 'req-1',
    });
    expect(p.detail).toContain('cursor');
  });

  it('should keep the status and message of HTTP exceptions', () => {
    expect(toProblem(new NotFoundException('User not found'))).toMatchObject({
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      detail: 'User not found',
    });
  });

  it('should map PostgreSQL conflicts to 409 without echoing the database detail', () => {
    const error = Object.assign(new Error('duplicate key value violates unique constraint'), {
      name: 'QueryFailedError',
      code: '23505',
      detail: 'Key (mrn)=(123456) already exists.',
    });
    const p = toProblem(error);
    expect(p.status).toBe(409);
    expect(JSON.stringify(p)).not.toContain('123456');
  });

  it('should hide unknown errors behind a generic 500 that names the request id', () => {
    const p = toProblem(new Error('patient Jane Doe, MRN 998877, broke something'), 'req-42');
    expect(p.status).toBe(500);
    expect(JSON.stringify(p)).not.toContain('Jane');
    expect(p.detail).toContain('req-42');
  });

  it('should pass 409 conflicts through', () => {
    expect(toProblem(new ConflictException('stale')).status).toBe(409);
  });
});
