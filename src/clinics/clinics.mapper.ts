import type { ClinicResponseDto, RoomResponseDto } from './dto/clinic.dto.js';
import type { ClinicEntity } from './entities/clinic.entity.js';
import type { RoomEntity } from './entities/room.entity.js';
import { hhmm } from '../common/transforms.js';

export function toClinicResponse(c: ClinicEntity): ClinicResponseDto {
  return {
    id: c.id,
    name: c.name,
    timeZone: c.timeZone,
    dayStart: hhmm(c.dayStart),
    dayEnd: hhmm(c.dayEnd),
    cancerTypes: c.cancerTypes,
    requiredDisciplines: c.requiredDisciplines,
    precedence: c.precedence,
    requiredRecordTypes: c.requiredRecordTypes,
    readinessRules: c.readinessRules,
    quorumDisciplines: c.quorumDisciplines,
    consensusRule: c.consensusRule,
    version: c.version,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

export function toRoomResponse(r: RoomEntity): RoomResponseDto {
  return { id: r.id, clinicId: r.clinicId, name: r.name };
}
