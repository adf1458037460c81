import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsString, IsUUID, MaxLength, MinLength } from 'class-validator';

const trim = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? value.trim() : value);

/** POST /board-sessions/:id/agenda/:caseId/postponement */
export class PostponeCaseDto {
  @ApiProperty({ description: 'a later session of the same clinic' })
  @IsUUID('all', { message: 'toSessionId must be the id of a board session' })
  toSessionId!: string;

  @ApiProperty({ example: 'Awaiting the outside pathology slides', minLength: 3, maxLength: 1000 })
  @Transform(trim)
  @IsString({ message: 'reason must say why the case is postponed' })
  @MinLength(3, { message: 'reason must say why the case is postponed (at least 3 characters)' })
  @MaxLength(1000)
  reason!: string;
}

export class PostponementSessionDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ format: 'date-time' }) startsAt!: string;
}

export class PostponementDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) caseId!: string;
  @ApiProperty({ type: PostponementSessionDto }) from!: PostponementSessionDto;
  @ApiProperty({ type: PostponementSessionDto }) to!: PostponementSessionDto;
  @ApiProperty() reason!: string;
  @ApiProperty({ nullable: true, type: String }) postponedBy!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'display name of who postponed it' })
  postponedByName!: string | null;
  @ApiProperty({ format: 'date-time' }) postponedAt!: string;
}
